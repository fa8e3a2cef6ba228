// What `db terminate-long` and `db terminate-idle` share: list the backends past a threshold (never the
// bot's own), show them in one card, re-check that each is still the same connection in the same state,
// terminate those that are, and say what became of each.
import { z } from 'zod';
import { limitRows, shorten, type Field } from '../chat/message.js';
import { maskSecrets } from '../core/secrets.js';
import { badArgument, notFound } from '../core/errors.js';
import { formatDuration } from '../core/duration.js';
import type { Services } from '../core/services.js';
import { postgresOf } from '../targets/require-target.js';
import {
  backendIdentity,
  identityOf,
  stillMatching,
  type BackendIdentity,
  type BackendRow,
} from './pg-backends.js';
import { terminateMatching, type Termination } from './pg-terminate.js';
import { defineFix, type Fix, type FixResult, type Recheck } from './remediation.js';
import { rowsOf } from './sql-rows.js';

/** At most this many backends per request: a plan people can read in one card. */
const MAX_BACKENDS = 50;

const listedData = z.object({ olderThanMs: z.number(), backends: z.array(backendIdentity).min(1) });

/** One column of the card's table: its header and each backend's cell. */
export interface Column<R> {
  header: string;
  cell: (row: R) => string;
}

/** The columns every list starts with. */
export const whoColumns: Array<Column<BackendRow>> = [
  { header: 'pid', cell: (r) => String(r.pid) },
  { header: 'user', cell: (r) => r.user ?? '' },
  { header: 'application', cell: (r) => r.application ?? '' },
];

export const stateColumn: Column<BackendRow> = { header: 'state', cell: (r) => r.state ?? '' };

/** The query, its secrets masked, cut to `width`. */
export const queryColumn = (header: string, width: number): Column<BackendRow> => ({
  header,
  cell: (r) => shorten(maskSecrets(r.query), width),
});

export interface ListedTermination<R extends BackendRow> {
  command: 'db terminate-long' | 'db terminate-idle';
  /** The backends past the threshold, oldest first: $1 the bot's own pids, $2 the threshold in ms, $3 the limit. */
  sql: string;
  row: z.ZodType<R>;
  /** "No query has been running" / "No session has been idle", completed with "for more than …". */
  none: string;
  /** The plan's summary, given how many are listed and the threshold in words. */
  summary: (count: number, olderThan: string) => string;
  columns: Array<Column<R>>;
  /** The statement's comment: each is terminated only while it is "the same connection running the query listed". */
  onlyWhile: string;
  facts: Field[];
  /** The re-check's words: none of the listed backends is still "running its query". */
  still: string;
  /** What the result counts: "backend(s)", "idle session(s)". */
  noun: string;
}

export function listedTermination<R extends BackendRow>(spec: ListedTermination<R>): Fix {
  return defineFix({
    command: spec.command,
    risk: 'medium',
    data: listedData,
    async plan({ args, services }) {
      requireMinimumAge(services, args.olderThan);
      const target = postgresOf(services);
      const params = [await target.ownPids(), args.olderThan, MAX_BACKENDS + 1];
      const rows = await rowsOf(target, spec.sql, params, spec.row);
      const olderThan = formatDuration(args.olderThan);
      if (rows.length === 0)
        throw notFound(
          `${spec.none} for more than ${olderThan} on ${target.description}; nothing to terminate.`,
        );
      const listed = rows.slice(0, MAX_BACKENDS);
      const more =
        rows.length > MAX_BACKENDS ? ` (the ${MAX_BACKENDS} oldest; request again for the rest)` : '';
      return {
        summary: `${spec.summary(listed.length, olderThan)}${more}.`,
        statement: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity\n WHERE pid IN (${listed.map((r) => r.pid).join(', ')})\n -- one at a time, each only while it is ${spec.onlyWhile};\n -- then up to ${formatDuration(services.config.OATIE_TARGET_TIMEOUT_MS)} for them to exit`,
        target: target.description,
        facts: spec.facts,
        table: {
          columns: spec.columns.map((c) => c.header),
          ...limitRows(
            listed.map((r) => spec.columns.map((c) => c.cell(r))),
            MAX_BACKENDS,
          ),
        },
        data: { olderThanMs: args.olderThan, backends: listed.map(identityOf) },
      };
    },
    recheck: (plan, { services }) => recheckListed(services, plan.data.backends, spec.still),
    execute: (plan, { services }) => terminateListed(services, plan.data.backends, spec.noun),
  });
}

/** The policy's smallest threshold (fixes.minTerminateAge). */
function requireMinimumAge(services: Services, olderThan: number): void {
  const min = services.policy.fixes.minTerminateAge;
  if (olderThan < min) {
    throw badArgument(`--older-than must be at least ${formatDuration(min)} (policy fixes.minTerminateAge).`);
  }
}

/** The re-check of a list: runs if any listed backend is still `what` (the same connection). */
async function recheckListed(
  services: Services,
  backends: readonly BackendIdentity[],
  what: string,
): Promise<Recheck> {
  const matching = await stillMatching(postgresOf(services), backends);
  return matching.length > 0
    ? { ok: true }
    : { ok: false, reason: `none of the listed backends is still ${what}.` };
}

/** Terminates the listed backends still matching, and says what became of each. */
async function terminateListed(
  services: Services,
  backends: readonly BackendIdentity[],
  noun: string,
): Promise<FixResult> {
  const waitMs = services.config.OATIE_TARGET_TIMEOUT_MS;
  const results = await terminateMatching(postgresOf(services), backends, waitMs);
  const done = results.filter((r) => r.outcome === 'terminated');
  const skipped = results.filter((r) => r.outcome === 'skipped');
  return {
    ok: done.length > 0 && done.length + skipped.length === results.length,
    summary: `${done.length} of ${backends.length} ${noun} terminated.`,
    output: outcomeLines(results, waitMs).join('\n'),
  };
}

/** One line per outcome, naming its pids: what the card shows under the summary. */
function outcomeLines(results: readonly Termination[], waitMs: number): string[] {
  const pids = (outcome: Termination['outcome']): string =>
    results
      .filter((r) => r.outcome === outcome)
      .map((r) => r.pid)
      .join(', ');
  const withReasons = (outcome: 'failed' | 'unconfirmed'): string =>
    results.flatMap((r) => (r.outcome === outcome ? [`${r.pid} (${r.reason})`] : [])).join('; ');
  const optional: Array<[string, string]> = [
    [`signalled, still exiting after ${formatDuration(waitMs)}`, pids('exiting')],
    ['signalled, exit not confirmed', withReasons('unconfirmed')],
    ['could not be signalled', withReasons('failed')],
    ['not signalled (the database failed on an earlier one)', pids('unsent')],
  ];
  return [
    `terminated: ${pids('terminated') || 'none'}`,
    `no longer running the listed query (left alone): ${pids('skipped') || 'none'}`,
    ...optional.filter(([, list]) => list !== '').map(([label, list]) => `${label}: ${list}`),
  ];
}
