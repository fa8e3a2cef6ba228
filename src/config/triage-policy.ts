// The `triage:` section of the policy: the card's deadline, the thresholds checks judge by, and the
// keywords that match an incident's title to a symptom. Every default comes from the troubleshooting
// guide, so a policy file without this section behaves as the guide says.
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';

/** The guide's problems, one per symptom of `triage` (src/triage/symptoms.ts maps each to its section). */
export const symptomIds = [
  'jwt',
  'permissions',
  'reports-failing',
  'reports-slow',
  'db-pool',
  'db-slow',
  'memory',
  'network',
] as const;
export type SymptomId = (typeof symptomIds)[number];

const duration = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a duration like 20s, 5m, 1h or 2d` });
    return z.NEVER;
  }
  return ms;
});

const percent = z.number().int().min(1).max(100);

const thresholdsSchema = z.strictObject({
  /** Connections in use, as a share of max_connections, from which `db connections` warns (guide: 80%). */
  connectionsWarnPercent: percent.default(80),
  /** A query older than this is long-running (guide: `interval '5 minutes'`). */
  longRunning: duration.default(300_000),
  /** A session idle (or idle in a transaction) longer than this holds a slot for nothing (`db connections --idle-for`). */
  idleFor: duration.default(600_000),
  /** A statement whose mean time is at least this many ms is slow (guide: `mean_exec_time > 1000`). */
  slowQueryMs: z.number().int().min(1).max(10_000_000).default(1000),
  /** Error log lines in the last hour from which the logs row warns. */
  errorLines: z.number().int().min(1).default(1),
});

const DEFAULT_THRESHOLDS = {
  connectionsWarnPercent: 80,
  longRunning: 300_000,
  idleFor: 600_000,
  slowQueryMs: 1000,
  errorLines: 1,
};

const keyword = z.string().trim().min(2).max(60).toLowerCase();

/** The guide's words for each problem: its title and its symptoms. */
export const DEFAULT_KEYWORDS: Record<SymptomId, string[]> = {
  jwt: ['jwt', 'token', 'token expired', 'invalid token', '401', 'unauthorized', 'login', 'authentication'],
  permissions: ['permission', 'permissions', '403', 'forbidden', 'access denied', 'role', 'rbac'],
  'reports-failing': [
    'report generation',
    'reports failing',
    'report failing',
    'reports stuck',
    'stuck in processing',
    'oracle',
    'bi publisher',
    'reports down',
  ],
  'reports-slow': ['reports slow', 'slow report', 'report performance', 'report timeout', 'reports taking'],
  'db-pool': ['connection pool', 'too many connections', 'pool exhaustion', 'connections exhausted'],
  'db-slow': ['database slow', 'slow queries', 'slow query', 'database performance', 'high cpu', 'db slow'],
  memory: ['memory', 'oom', 'oomkilled', 'out of memory', 'pod restarts', 'memory leak'],
  network: ['network', 'dns', 'connectivity', 'service discovery', 'unreachable', 'timeout connecting'],
};

export const triagePolicySchema = z
  .strictObject({
    /** The whole card answers within this, whatever hangs (default 5 s). */
    deadline: duration.default(5000),
    /** Each check gives up after this (at most the deadline). */
    checkTimeout: duration.default(4000),
    thresholds: thresholdsSchema.default(DEFAULT_THRESHOLDS),
    /** Words of an incident's title or service that point at a symptom; a symptom left out keeps the guide's. */
    keywords: z.partialRecord(z.enum(symptomIds), z.array(keyword).min(1)).default({}),
  })
  .default({ deadline: 5000, checkTimeout: 4000, thresholds: DEFAULT_THRESHOLDS, keywords: {} });

export type TriagePolicy = z.infer<typeof triagePolicySchema>;
export type TriageThresholds = TriagePolicy['thresholds'];
