// Argument types of the grammar, as zod schemas. Error messages never echo the value typed:
// a value may be a secret (a JWT) or hostile text, and errors go back to the channel.
import { z } from 'zod';
import { formatDuration, parseDuration } from '../core/duration.js';

export const severities = ['p0', 'p1', 'p2', 'p3'] as const;
export type Severity = (typeof severities)[number];
export const updateStatuses = ['investigating', 'identified', 'monitoring'] as const;
export type UpdateStatus = (typeof updateStatuses)[number];

const lower = z.string().transform((s) => s.toLowerCase());

export const severity = lower.pipe(z.enum(severities, { error: 'expected p0, p1, p2 or p3' }));
export const updateStatus = lower.pipe(
  z.enum(updateStatuses, { error: 'expected investigating, identified or monitoring' }),
);

/** A duration between `min` and `max` milliseconds, typed as 90s, 5m, 1h or 2d. */
export function duration(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === undefined || ms < min || ms > max) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a duration like 90s, 5m or 1h, from ${formatDuration(min)} to ${formatDuration(max)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}

export const email = z
  .string()
  .max(254, 'expected an email address')
  .transform((s) => s.toLowerCase())
  .pipe(z.email({ error: 'expected an email address such as user@example.com' }));

export const uuid = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.guid({ error: 'expected a UUID such as 0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a10' }));

export const pid = z
  .string()
  .regex(/^\d{1,10}$/, 'expected a process id (a whole number)')
  .transform(Number)
  .pipe(z.number().int().min(1, 'expected a process id above 0').max(2_147_483_647, 'expected a process id'));

/** One part of a name: plain (letters, digits, underscores, taken exactly as typed, case included) or
 * double-quoted as Postgres writes it ("Audit", "my table", "a""b"). */
const NAME_PART = '(?:[A-Za-z_][A-Za-z0-9_]{0,62}|"(?:[^"\\x00-\\x1f]|""){1,63}")';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** What `db explain` plans: a backend pid (`db long-running`) or a pg_stat_statements queryid
 * (`db slow-queries`), both whole numbers; kept as text, since a queryid is a 64-bit integer. */
export const queryRef = z
  .string()
  .regex(/^-?\d{1,20}$/, 'expected a pid (from `db long-running`) or a query id (from `db slow-queries`)')
  // zod runs a refinement even after the regex failed: BigInt of a non-number would throw.
  .refine(
    (s) => /^-?\d{1,20}$/.test(s) && BigInt(s) >= INT64_MIN && BigInt(s) <= INT64_MAX,
    'expected a pid or a query id',
  );

/** A Postgres relation name as typed or as a button carries it: optionally schema-qualified, parts
 * plain or quoted. Resolved against the catalog (never through search_path) before use; never spliced
 * into SQL. */
export const identifier = z
  .string()
  .regex(
    new RegExp(`^${NAME_PART}(\\.${NAME_PART})?$`),
    'expected a table or index name (letters, digits, underscores, or "Quoted"; optionally schema.name)',
  );

export const columnList = z
  .string()
  .regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,62}(,[A-Za-z_][A-Za-z0-9_]{0,62}){0,7}$/,
    'expected column names separated by commas, such as organization_id,status (at most 8)',
  )
  .transform((s) => s.split(','))
  .refine((cols) => new Set(cols).size === cols.length, 'expected each column once');

/** A Kubernetes object name that is a DNS label (deployments, pods, apps). */
export const dnsLabel = z
  .string()
  .regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'expected a Kubernetes name (lowercase letters, digits, -)');

export const memoryLimit = z
  .string()
  .regex(/^[1-9]\d{0,5}(Mi|Gi)$/, 'expected a memory limit such as 512Mi or 2Gi');

export const memoryRequest = z
  .string()
  .regex(/^[1-9]\d{0,5}(Mi|Gi)$/, 'expected a memory request such as 256Mi or 1Gi');

/** A permission of the platform as its user_permissions rows spell it (`reports:create`). */
export const permission = z
  .string()
  .regex(/^[a-z_]{1,40}:[a-z_]{1,40}$/, 'expected a permission such as reports:create');

export const role = z.string().regex(/^[a-z_]{1,40}$/, 'expected a role name such as report_manager');

export const emailOrUuid = z.string().transform((s, ctx) => {
  const asUuid = uuid.safeParse(s);
  if (asUuid.success) return { kind: 'uuid' as const, value: asUuid.data };
  const asEmail = email.safeParse(s);
  if (asEmail.success) return { kind: 'email' as const, value: asEmail.data };
  ctx.addIssue({ code: 'custom', message: 'expected an email address or a user UUID' });
  return z.NEVER;
});

/** Free text (titles, updates, root causes): bounded, trimmed. */
export function text(max: number, what: string) {
  return z
    .string()
    .trim()
    .min(1, `expected ${what}`)
    .max(max, `${what} is too long (at most ${max} characters)`);
}

/** A JWT as pasted, with or without its `Bearer ` prefix. Never echoed. */
export const jwt = z.string().min(1, 'expected a token').max(16_384, 'the token is too long');

export const topPods = lower.pipe(z.enum(['pods', 'nodes'], { error: 'expected pods or nodes' }));

export const word = z
  .string()
  .max(40, 'expected a single word')
  .regex(/^[a-z0-9-]+$/i, 'expected a single word');

/** An incident reference as people write it: INC-7 (any case), or just 7. */
export const incidentRef = z
  .string()
  .regex(/^(inc-)?\d{1,9}$/i, 'expected an incident reference such as INC-7')
  .transform((s) => Number(s.replace(/^inc-/i, '')))
  .pipe(z.number().int().min(1, 'expected an incident reference such as INC-7'));

/** A file path for the console's `--out`: no spaces, no control characters, at most 255 characters. */
export const filePath = z
  .string()
  .max(255, 'the file path is too long (at most 255 characters)')
  .regex(/^[\w./~-]+$/, 'expected a file path such as review.md (letters, digits, . / _ - only)');
