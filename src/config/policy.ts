// The policy file: who is who, what each severity means, who may request and approve which fix,
// and what Kubernetes objects fixes may touch. Validated at start-up; errors name the file and line.
import { readFile } from 'node:fs/promises';
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { catalog } from '../commands/catalog.js';
import { parseDuration } from '../core/duration.js';
import { triagePolicySchema } from './triage-policy.js';
import { alertPolicySchema } from './alert-policy.js';
import { checkIncidentsReferences, incidentPolicySchema } from './incident-policy.js';
import { deliveryPolicy } from './delivery-policy.js';
import { checkRoleReferences, personKey, roleHolderSchema, type RoleSpec } from './oncall-policy.js';

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 20s, 5m, 1h or 2d` });
    return z.NEVER;
  }
  return ms;
});

const person = z.strictObject({
  name: z.string().min(1),
  slack: z.string().optional(),
  teams: z.string().optional(),
  email: z.email().optional(),
  phone: z.string().optional(),
  /** Their PagerDuty user id: who acknowledged in PagerDuty, who a PagerDuty schedule says is on call. */
  pagerduty: z
    .string()
    .regex(/^[A-Z0-9]{5,20}$/, 'expected a PagerDuty user id such as PXPGF42')
    .optional(),
});

export const roleNames = ['on-call', 'team-lead', 'engineering-manager', 'team-member', 'triage'] as const;
const roleName = z.enum(roleNames);

const severity = z.strictObject({
  label: z.string().min(1),
  definition: z.string().default(''),
  /** A duration, or the start of the next business day. */
  responseTime: z.string().transform((text, ctx): number | 'next-business-day' => {
    if (text === 'next-business-day') return text;
    const ms = parseDuration(text);
    if (ms !== undefined) return ms;
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a duration like 20s, 5m, 1h or 2d, nor next-business-day`,
    });
    return z.NEVER;
  }),
  /** How often the war room is reminded to post an update; null for never. */
  updateInterval: duration.nullable().default(null),
  warRoom: z.boolean().default(false),
  notify: z.array(roleName).default([]),
  statusPageDeadline: duration.nullable().default(null),
  communication: z.string().default(''),
});

const riskLevel = z.enum(['low', 'medium', 'high']);

const k8sName = z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a DNS label');

const memoryQuantity = z
  .string()
  .regex(/^\d{1,6}(Mi|Gi)$/, 'expected a memory quantity such as 512Mi or 4Gi');

export const policySchema = z.strictObject({
  people: z.record(personKey, person),
  groups: z.record(z.string(), z.array(personKey)).default({}),
  /** Who fills each role of the escalation procedure: a person, a rotation or a PagerDuty schedule. */
  roles: z.partialRecord(roleName, roleHolderSchema),
  severities: z.strictObject({ p0: severity, p1: severity, p2: severity, p3: severity }),
  /** The chain followed, step by step, while nobody acknowledges. */
  escalation: z.array(roleName).min(1),
  review: z
    .strictObject({
      time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM'),
      /** The review meeting's link (video call or calendar), shown in the review and its reminder. */
      link: z.url({ protocol: /^https?$/, error: 'expected an http(s) link' }).optional(),
    })
    .default({ time: '10:00' }),
  fixes: z.strictObject({
    /** People or groups (`group:<name>`) who may request fixes; `*` for anyone known to the policy. */
    requesters: z.array(z.string()).min(1),
    /** Channels where fixes may be requested; `*` for any. */
    channels: z.array(z.string()).default(['*']),
    /** People or groups who may approve fixes of each risk level. */
    approvers: z.strictObject({
      low: z.array(z.string()),
      medium: z.array(z.string()),
      high: z.array(z.string()),
    }),
    /** Risk level of each fix, by command (`db terminate`); unlisted fixes are high. */
    risk: z.record(z.string(), riskLevel).default({}),
    approvalTtl: duration.default(900_000),
    allowSelfApprovalDuringP0: z.boolean().default(false),
    /** With allowSelfApprovalDuringP0, whether high-risk fixes may be self-approved too. */
    allowSelfApprovalOfHighRiskDuringP0: z.boolean().default(false),
    /** The smallest --older-than that `db terminate-long` and `db terminate-idle` accept. */
    minTerminateAge: duration.default(300_000),
    /** How long `db create-index` may take, waiting for old transactions included, before it gives up. */
    createIndexTimeout: duration.default(1_800_000),
  }),
  kubernetes: z.strictObject({
    deployments: z.array(z.strictObject({ name: k8sName, namespace: k8sName })),
    maxMemoryLimit: memoryQuantity,
    /** The smallest memory limit `k8s set-memory` sets (a lower one would only get the pod OOM-killed). */
    minMemoryLimit: memoryQuantity.default('128Mi'),
  }),
  reports: z.strictObject({ stuckAfter: duration }).default({ stuckAfter: 1_800_000 }),
  auth: z
    .strictObject({ roles: z.array(z.string().regex(/^[a-z_]{1,40}$/)).min(1) })
    .default({ roles: ['viewer', 'analyst', 'report_manager', 'admin'] }),
  triage: triagePolicySchema,
  alerts: alertPolicySchema,
  incidents: incidentPolicySchema,
  delivery: deliveryPolicy,
});

export type Policy = z.infer<typeof policySchema>;
export type SeverityPolicy = Policy['severities']['p0'];
export type RoleName = (typeof roleNames)[number];
export type RiskLevel = z.infer<typeof riskLevel>;
export type Person = z.infer<typeof person> & { key: string };

export type PolicyResult = { ok: true; policy: Policy } | { ok: false; message: string };

/** Parses policy YAML; errors say `file:line: path: reason`. */
export function parsePolicy(text: string, file: string): PolicyResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    return { ok: false, message: `${file}:${line}: ${yamlError.message.split('\n')[0] ?? 'invalid YAML'}` };
  }
  const parsed = policySchema.safeParse(doc.toJS());
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []).map((p) => (typeof p === 'symbol' ? String(p) : p));
    const node = findNode(doc, path);
    const line = node?.range ? lineCounter.linePos(node.range[0]).line : 1;
    return {
      ok: false,
      message: `${file}:${line}: ${path.join('.') || '(top)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const problem = checkReferences(parsed.data);
  if (problem) return { ok: false, message: `${file}: ${problem}` };
  return { ok: true, policy: parsed.data };
}

function findNode(doc: ReturnType<typeof parseDocument>, path: ReadonlyArray<string | number>) {
  // The deepest node that exists on the issue's path: a missing key points at its parent.
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node: unknown = doc.getIn(path.slice(0, depth), true);
    if (node && typeof node === 'object' && 'range' in node)
      return node as { range?: [number, number, number] };
  }
  return undefined;
}

/** Cross-references zod cannot see: every person or group named must exist, every fix given a
 * risk level must be a fix of the catalog (a typo would silently leave the real fix at "high"). */
function checkReferences(policy: Policy): string | undefined {
  const known = (ref: string): boolean =>
    ref === '*' ||
    ref in policy.people ||
    (ref.startsWith('group:') && ref.slice('group:'.length) in policy.groups);
  for (const [group, members] of Object.entries(policy.groups)) {
    const missing = members.find((m) => !(m in policy.people));
    if (missing) return `groups.${group}: unknown person "${missing}"`;
  }
  const roleProblem = checkRoleReferences(policy.roles, policy.people);
  if (roleProblem !== undefined) return roleProblem;
  const fixes = new Set(
    Object.entries(catalog).flatMap(([name, spec]) => (spec.kind === 'fix' ? [name] : [])),
  );
  const unknownFix = Object.keys(policy.fixes.risk).find((name) => !fixes.has(name));
  if (unknownFix !== undefined) return `fixes.risk: unknown fix "${unknownFix}"`;
  const refs = [
    ...policy.fixes.requesters.map((r) => ['fixes.requesters', r] as const),
    ...(['low', 'medium', 'high'] as const).flatMap((level) =>
      policy.fixes.approvers[level].map((r) => [`fixes.approvers.${level}`, r] as const),
    ),
  ];
  const bad = refs.find(([, ref]) => !known(ref));
  if (bad) return `${bad[0]}: unknown person or group "${bad[1]}"`;
  return checkIncidentsReferences(policy.incidents, policy.people, policy.groups);
}

export async function loadPolicy(file: string): Promise<PolicyResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    // Not `instanceof Error`: fs errors may come from another realm (jest's VM contexts).
    const reason =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
    return { ok: false, message: `${file}: cannot read the policy file (${reason})` };
  }
  return parsePolicy(text, file);
}

/** The person a chat user is, if the policy knows them (console users are named by their key). */
export function resolvePerson(policy: Policy, platform: string, userId: string): Person | undefined {
  for (const [key, p] of Object.entries(policy.people)) {
    const matches =
      (platform === 'console' && key === userId) ||
      (platform === 'slack' && p.slack === userId) ||
      (platform === 'teams' && p.teams === userId);
    if (matches) return { ...p, key };
  }
  return undefined;
}

/** Whether a person is named by a list of people, `group:<name>` entries or `*`. */
export function isListed(
  policy: Policy,
  list: readonly string[],
  personKeyValue: string | undefined,
): boolean {
  if (personKeyValue === undefined) return false;
  return list.some(
    (ref) =>
      ref === '*' ||
      ref === personKeyValue ||
      (ref.startsWith('group:') &&
        (policy.groups[ref.slice('group:'.length)] ?? []).includes(personKeyValue)),
  );
}

/** The person a key names, with the key. */
export function personByKey(policy: Policy, key: string): Person | undefined {
  const p = policy.people[key];
  return p ? { ...p, key } : undefined;
}

export type { RoleSpec };
