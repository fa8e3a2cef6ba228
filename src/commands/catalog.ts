// The grammar of /oatie: every command, its words, usage, arguments and help text, as data.
// Handlers live in their domain folders and are bound by name in src/commands/registry.ts.
import { z } from 'zod';
import * as a from './args.js';

export type CommandKind = 'meta' | 'incident' | 'diagnostic' | 'fix';
export type FlagKind = 'value' | 'boolean';

export interface CommandSpec {
  /** The words that name the command, e.g. ['db', 'long-running']. */
  readonly words: readonly string[];
  readonly usage: string;
  readonly summary: string;
  readonly kind: CommandKind;
  /** Names of positional arguments, in order. */
  readonly positional: readonly string[];
  /** Name of the argument that takes the rest of the text, if any. */
  readonly rest?: string;
  /** Flags by name (without --), mapped to the argument name they fill. */
  readonly flags: Readonly<Record<string, { arg: string; kind: FlagKind }>>;
  /** Takes an optional leading `INC-n` (argument `incident`): the command then acts on that
   * incident from any channel instead of the one living in the channel it is typed in. */
  readonly incidentRef?: boolean;
  readonly schema: z.ZodType;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

function spec<S extends z.ZodType>(
  s: Omit<CommandSpec, 'schema' | 'flags' | 'positional'> & {
    schema: S;
    positional?: readonly string[];
    flags?: CommandSpec['flags'];
  },
) {
  return { positional: [], flags: {}, ...s } as const;
}

const none = z.object({});

export const catalog = {
  help: spec({
    words: ['help'],
    usage: 'help [topic]',
    summary:
      'List the commands, or those of one topic (incident, oncall, triage, auth, reports, health, audit, db, k8s, logs).',
    kind: 'meta',
    positional: ['topic'],
    schema: z.object({ topic: a.word.transform((s) => s.toLowerCase()).optional() }),
  }),

  'incident declare': spec({
    words: ['incident'],
    usage: 'incident p0|p1|p2|p3 <title> [--service S] [--impact TEXT]',
    summary: 'Declare an incident: war room, alert, people paged, reminders.',
    kind: 'incident',
    positional: ['severity'],
    rest: 'title',
    flags: { service: { arg: 'service', kind: 'value' }, impact: { arg: 'impact', kind: 'value' } },
    schema: z.object({
      severity: a.severity.optional(),
      title: a.text(150, 'a title').optional(),
      service: a.text(100, 'the service').optional(),
      impact: a.text(500, 'the impact').optional(),
    }),
  }),
  'incident ack': spec({
    words: ['incident', 'ack'],
    usage: 'incident ack [INC-n]',
    summary: 'Acknowledge the incident of this war room, or INC-n (stops escalation).',
    kind: 'incident',
    incidentRef: true,
    schema: z.object({ incident: a.incidentRef.optional() }),
  }),
  'incident update': spec({
    words: ['incident', 'update'],
    usage: 'incident update [INC-n] <investigating|identified|monitoring> <text> [--eta 45m] [--public]',
    summary:
      'Post a status update (restarts the update clock); --eta sets the expected resolution; --public also posts to the status page.',
    kind: 'incident',
    positional: ['status'],
    rest: 'text',
    incidentRef: true,
    flags: { public: { arg: 'public', kind: 'boolean' }, eta: { arg: 'eta', kind: 'value' } },
    schema: z.object({
      incident: a.incidentRef.optional(),
      status: a.updateStatus.optional(),
      text: a.text(2000, 'the update text').optional(),
      eta: a.duration(MIN, 7 * DAY).optional(),
      public: z.boolean().default(false),
    }),
  }),
  'incident severity': spec({
    words: ['incident', 'severity'],
    usage: 'incident severity [INC-n] p0|p1|p2|p3',
    summary: 'Change the severity (re-plans reminders, escalation and contacts).',
    kind: 'incident',
    positional: ['severity'],
    incidentRef: true,
    schema: z.object({ incident: a.incidentRef.optional(), severity: a.severity }),
  }),
  'incident resolve': spec({
    words: ['incident', 'resolve'],
    usage: 'incident resolve [INC-n] <root cause> [--fix TEXT] [--prevention TEXT]',
    summary: 'Resolve the incident: resolution notice with duration, timers stopped, review scheduled.',
    kind: 'incident',
    rest: 'rootCause',
    incidentRef: true,
    flags: { fix: { arg: 'resolution', kind: 'value' }, prevention: { arg: 'prevention', kind: 'value' } },
    schema: z.object({
      incident: a.incidentRef.optional(),
      rootCause: a.text(2000, 'the root cause').optional(),
      resolution: a.text(2000, 'the fix').optional(),
      prevention: a.text(2000, 'the prevention').optional(),
    }),
  }),
  'incident list': spec({
    words: ['incident', 'list'],
    usage: 'incident list',
    summary: 'List open incidents.',
    kind: 'incident',
    schema: none,
  }),
  'incident timeline': spec({
    words: ['incident', 'timeline'],
    usage: 'incident timeline [INC-n]',
    summary: 'Every event of this war room’s incident (or INC-n), with time and who.',
    kind: 'incident',
    incidentRef: true,
    schema: z.object({ incident: a.incidentRef.optional() }),
  }),

  'incident review': spec({
    words: ['incident', 'review'],
    usage: 'incident review [INC-n] [--draft] [--out FILE]',
    summary:
      'Draft the post-incident review from the timeline (Markdown: a file in chat; --out writes it, console only).',
    kind: 'incident',
    positional: ['ref'],
    flags: { draft: { arg: 'draft', kind: 'boolean' }, out: { arg: 'out', kind: 'value' } },
    schema: z.object({
      ref: a.incidentRef.optional(),
      draft: z.boolean().default(false),
      out: a.filePath.optional(),
    }),
  }),
  'incident stats': spec({
    words: ['incident', 'stats'],
    usage: 'incident stats [--since 30d] [--severity p1]',
    summary:
      'Response metrics per severity: time to acknowledge and resolve against the policy, late updates.',
    kind: 'incident',
    flags: { since: { arg: 'since', kind: 'value' }, severity: { arg: 'severity', kind: 'value' } },
    schema: z.object({
      since: a.duration(HOUR, 400 * DAY).default(30 * DAY),
      severity: a.severity.optional(),
    }),
  }),

  'auth token': spec({
    words: ['auth', 'token'],
    usage: 'auth token <jwt>',
    summary: 'Decode a JWT: claims, expiry, clock skew, format problems (answered to you only).',
    kind: 'diagnostic',
    rest: 'token',
    schema: z.object({ token: a.jwt }),
  }),
  'auth user': spec({
    words: ['auth', 'user'],
    usage: 'auth user <email> [permission]',
    summary: 'A user’s role, organisation, permission and permission cache.',
    kind: 'diagnostic',
    positional: ['email', 'permission'],
    schema: z.object({
      email: a.email,
      permission: a.permission.optional(),
    }),
  }),
  'auth set-role': spec({
    words: ['auth', 'set-role'],
    usage: 'auth set-role <email> <role>',
    summary: 'Fix: change a user’s role and clear their permission cache (needs approval).',
    kind: 'fix',
    positional: ['email', 'role'],
    schema: z.object({ email: a.email, role: a.role }),
  }),
  'auth grant': spec({
    words: ['auth', 'grant'],
    usage: 'auth grant <email> <permission>',
    summary: 'Fix: add a user’s permission row and clear their permission cache (needs approval).',
    kind: 'fix',
    positional: ['email', 'permission'],
    schema: z.object({ email: a.email, permission: a.permission }),
  }),
  'auth revoke': spec({
    words: ['auth', 'revoke'],
    usage: 'auth revoke <email> <permission>',
    summary: 'Fix: delete a user’s permission row and clear their permission cache (needs approval).',
    kind: 'fix',
    positional: ['email', 'permission'],
    schema: z.object({ email: a.email, permission: a.permission }),
  }),
  'auth clear-cache': spec({
    words: ['auth', 'clear-cache'],
    usage: 'auth clear-cache <email|user-uuid>',
    summary: 'Fix: delete a user’s cached permissions in Redis (needs approval).',
    kind: 'fix',
    positional: ['user'],
    schema: z.object({ user: a.emailOrUuid }),
  }),

  'reports status': spec({
    words: ['reports', 'status'],
    usage: 'reports status <report-id>',
    summary: 'Recent executions of a report, time in processing, last error.',
    kind: 'diagnostic',
    positional: ['reportId'],
    schema: z.object({ reportId: a.uuid }),
  }),
  'reports stuck': spec({
    words: ['reports', 'stuck'],
    usage: 'reports stuck',
    summary: 'Reports processing for too long, by organisation.',
    kind: 'diagnostic',
    schema: none,
  }),

  health: spec({
    words: ['health'],
    usage: 'health',
    summary: 'Database, Redis, Oracle BI and Kubernetes: healthy or why not, with latency.',
    kind: 'diagnostic',
    schema: none,
  }),
  'health oracle-bi': spec({
    words: ['health', 'oracle-bi'],
    usage: 'health oracle-bi',
    summary: 'Oracle BI Publisher: API health, direct reachability, latency.',
    kind: 'diagnostic',
    schema: none,
  }),
  oncall: spec({
    words: ['oncall'],
    usage: 'oncall',
    summary:
      'Who holds each role now (person, rotation, PagerDuty schedule), who is next and when the hand-off is.',
    kind: 'incident',
    schema: none,
  }),
  audit: spec({
    words: ['audit'],
    usage: 'audit [--since 24h]',
    summary: 'The audit log: diagnostics, fix requests, approvals, executions.',
    kind: 'meta',
    flags: { since: { arg: 'since', kind: 'value' } },
    schema: z.object({ since: a.duration(MIN, 90 * DAY).default(24 * HOUR) }),
  }),

  'db connections': spec({
    words: ['db', 'connections'],
    usage: 'db connections [--idle-for 10m]',
    summary: 'Connections by state against max_connections, top clients, sessions idle too long.',
    kind: 'diagnostic',
    flags: { 'idle-for': { arg: 'idleFor', kind: 'value' } },
    schema: z.object({ idleFor: a.duration(1000, 30 * DAY).default(10 * MIN) }),
  }),
  'db long-running': spec({
    words: ['db', 'long-running'],
    usage: 'db long-running [--older-than 5m]',
    summary: 'Queries running longer than a threshold.',
    kind: 'diagnostic',
    flags: { 'older-than': { arg: 'olderThan', kind: 'value' } },
    schema: z.object({ olderThan: a.duration(1000, 30 * DAY).default(5 * MIN) }),
  }),
  'db slow-queries': spec({
    words: ['db', 'slow-queries'],
    usage: 'db slow-queries [--min-ms 1000]',
    summary: 'Slowest statements by mean time (pg_stat_statements).',
    kind: 'diagnostic',
    flags: { 'min-ms': { arg: 'minMs', kind: 'value' } },
    schema: z.object({
      minMs: z
        .string()
        .regex(/^\d{1,7}$/, 'expected milliseconds as a whole number')
        .transform(Number)
        .default(1000),
    }),
  }),
  'db explain': spec({
    words: ['db', 'explain'],
    usage: 'db explain <pid|query id>',
    summary:
      'The plan of a running query (pid) or a slow statement (id from db slow-queries), costliest step first; plain EXPLAIN, nothing runs.',
    kind: 'diagnostic',
    positional: ['id'],
    schema: z.object({ id: a.queryRef }),
  }),
  'db indexes': spec({
    words: ['db', 'indexes'],
    usage: 'db indexes',
    summary: 'Unused and least-used indexes; tables that may miss one.',
    kind: 'diagnostic',
    schema: none,
  }),
  'db bloat': spec({
    words: ['db', 'bloat'],
    usage: 'db bloat',
    summary: 'Dead tuples and last vacuum/analyze per table.',
    kind: 'diagnostic',
    schema: none,
  }),
  'db blocking': spec({
    words: ['db', 'blocking'],
    usage: 'db blocking',
    summary: 'Blocked queries and the queries blocking them.',
    kind: 'diagnostic',
    schema: none,
  }),
  'db terminate': spec({
    words: ['db', 'terminate'],
    usage: 'db terminate <pid>',
    summary: 'Fix: terminate one backend (needs approval).',
    kind: 'fix',
    positional: ['pid'],
    schema: z.object({ pid: a.pid }),
  }),
  'db terminate-long': spec({
    words: ['db', 'terminate-long'],
    usage: 'db terminate-long [--older-than 10m]',
    summary: 'Fix: terminate every query running longer than a threshold (needs approval).',
    kind: 'fix',
    flags: { 'older-than': { arg: 'olderThan', kind: 'value' } },
    schema: z.object({ olderThan: a.duration(MIN, 30 * DAY).default(10 * MIN) }),
  }),
  'db terminate-idle': spec({
    words: ['db', 'terminate-idle'],
    usage: 'db terminate-idle [--older-than 10m]',
    summary:
      'Fix: terminate every session idle (or idle in a transaction) longer than a threshold (needs approval).',
    kind: 'fix',
    flags: { 'older-than': { arg: 'olderThan', kind: 'value' } },
    schema: z.object({ olderThan: a.duration(MIN, 30 * DAY).default(10 * MIN) }),
  }),
  'db vacuum': spec({
    words: ['db', 'vacuum'],
    usage: 'db vacuum <table>',
    summary: 'Fix: VACUUM (ANALYZE) a table (needs approval).',
    kind: 'fix',
    positional: ['table'],
    schema: z.object({ table: a.identifier }),
  }),
  'db analyze': spec({
    words: ['db', 'analyze'],
    usage: 'db analyze <table>',
    summary: 'Fix: ANALYZE a table (needs approval).',
    kind: 'fix',
    positional: ['table'],
    schema: z.object({ table: a.identifier }),
  }),
  'db create-index': spec({
    words: ['db', 'create-index'],
    usage: 'db create-index <table> <column>[,<column>...]',
    summary: 'Fix: CREATE INDEX CONCURRENTLY (needs approval).',
    kind: 'fix',
    positional: ['table', 'columns'],
    schema: z.object({ table: a.identifier, columns: a.columnList }),
  }),
  'db drop-index': spec({
    words: ['db', 'drop-index'],
    usage: 'db drop-index <index>',
    summary: 'Fix: DROP INDEX CONCURRENTLY (needs approval).',
    kind: 'fix',
    positional: ['index'],
    schema: z.object({ index: a.identifier }),
  }),
  'db reindex': spec({
    words: ['db', 'reindex'],
    usage: 'db reindex <table>',
    summary: 'Fix: REINDEX TABLE CONCURRENTLY (needs approval).',
    kind: 'fix',
    positional: ['table'],
    schema: z.object({ table: a.identifier }),
  }),

  triage: spec({
    words: ['triage'],
    usage: 'triage [jwt|permissions|reports-failing|reports-slow|db-pool|db-slow|memory|network]',
    summary:
      'Run every check the guide lists for a symptom at once: states, likely causes, fixes. Alone: the symptoms.',
    kind: 'diagnostic',
    positional: ['symptom'],
    schema: z.object({ symptom: a.word.transform((s) => s.toLowerCase()).optional() }),
  }),
  'logs errors': spec({
    words: ['logs', 'errors'],
    usage: 'logs errors [--since 1h] [--app <name>]',
    summary:
      'Errors in the window by type, top 10, first and last seen (Elasticsearch, else Kubernetes logs).',
    kind: 'diagnostic',
    flags: { since: { arg: 'since', kind: 'value' }, app: { arg: 'app', kind: 'value' } },
    schema: z.object({ since: a.duration(MIN, 7 * DAY).default(HOUR), app: a.dnsLabel.optional() }),
  }),

  'k8s pods': spec({
    words: ['k8s', 'pods'],
    usage: 'k8s pods [--app <name>]',
    summary: 'Pods: phase, restarts, last termination reason (OOMKilled), age.',
    kind: 'diagnostic',
    flags: { app: { arg: 'app', kind: 'value' } },
    schema: z.object({ app: a.dnsLabel.optional() }),
  }),
  'k8s top': spec({
    words: ['k8s', 'top'],
    usage: 'k8s top pods|nodes',
    summary: 'Memory and CPU use against requests and limits.',
    kind: 'diagnostic',
    positional: ['resource'],
    schema: z.object({ resource: a.topPods }),
  }),
  'k8s logs': spec({
    words: ['k8s', 'logs'],
    usage: 'k8s logs <deployment> [--since 1h] [--grep <text>]',
    summary: 'Recent log lines of a deployment’s pods, counted by level.',
    kind: 'diagnostic',
    positional: ['deployment'],
    flags: { since: { arg: 'since', kind: 'value' }, grep: { arg: 'grep', kind: 'value' } },
    schema: z.object({
      deployment: a.dnsLabel,
      since: a.duration(1000, 7 * DAY).default(HOUR),
      grep: a.text(200, 'a search text').optional(),
    }),
  }),
  'k8s describe': spec({
    words: ['k8s', 'describe'],
    usage: 'k8s describe <pod>',
    summary: 'A pod’s containers, requests and limits, recent events.',
    kind: 'diagnostic',
    positional: ['pod'],
    schema: z.object({ pod: a.dnsLabel }),
  }),
  'k8s netpol': spec({
    words: ['k8s', 'netpol'],
    usage: 'k8s netpol',
    summary: 'Network policies and what they select.',
    kind: 'diagnostic',
    schema: none,
  }),
  'k8s dns': spec({
    words: ['k8s', 'dns'],
    usage: 'k8s dns',
    summary:
      'The platform’s names resolved from the bot (which fail, and why), CoreDNS health, endpoints of the services.',
    kind: 'diagnostic',
    schema: none,
  }),
  'k8s restart': spec({
    words: ['k8s', 'restart'],
    usage: 'k8s restart <deployment>',
    summary: 'Fix: rollout restart of an allowlisted deployment (needs approval).',
    kind: 'fix',
    positional: ['deployment'],
    schema: z.object({ deployment: a.dnsLabel }),
  }),
  'k8s set-memory': spec({
    words: ['k8s', 'set-memory'],
    usage: 'k8s set-memory <deployment> <limit> [--request 512Mi]',
    summary: 'Fix: set a deployment’s memory limit (and request), within policy bounds (needs approval).',
    kind: 'fix',
    positional: ['deployment', 'limit'],
    flags: { request: { arg: 'request', kind: 'value' } },
    schema: z.object({
      deployment: a.dnsLabel,
      limit: a.memoryLimit,
      request: a.memoryRequest.optional(),
    }),
  }),
} as const;

export type Catalog = typeof catalog;
export type CommandName = keyof Catalog;
export type ArgsOf<K extends CommandName> = z.output<Catalog[K]['schema']>;
/** A parsed command: its name and typed arguments. */
export type Command = { [K in CommandName]: { name: K; args: ArgsOf<K> } }[CommandName];

export const commandNames = Object.keys(catalog) as CommandName[];

export function specOf(name: CommandName): CommandSpec {
  return catalog[name];
}

/** The topics of `help`, in the order shown. */
export const topics = [
  'incident',
  'oncall',
  'triage',
  'auth',
  'reports',
  'health',
  'audit',
  'db',
  'k8s',
  'logs',
] as const;
