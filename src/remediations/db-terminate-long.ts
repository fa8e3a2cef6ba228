// `db terminate-long [--older-than 10m]`: end every client query of the Oatie database running longer
// than a threshold (at least policy fixes.minTerminateAge). The plan lists them (never a replica of
// the bot, never a query that only waits for a lock); at execution only those still running the same query are terminated, and the card says
// what became of each.
import { z } from 'zod';
import { limitRows, shorten } from '../chat/message.js';
import { badArgument, notFound } from '../core/errors.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import { maskSecrets } from '../core/secrets.js';
import {
  BACKEND_SQL,
  backendIdentity,
  backendRow,
  identityOf,
  stillMatching,
  type BackendIdentity,
} from './pg-backends.js';
import { terminateMatching, type Termination } from './pg-terminate.js';
import { defineFix, type FixResult, type Recheck } from './remediation.js';
import type { Services } from '../core/services.js';
import { postgresOf } from '../targets/require-target.js';
import { rowsOf } from './sql-rows.js';

/** At most this many backends per request: a plan people can read in one card. */
const MAX_BACKENDS = 50;

const longData = z.object({ olderThanMs: z.number(), backends: z.array(backendIdentity).min(1) });

export const dbTerminateLong = defineFix({
  command: 'db terminate-long',
  risk: 'medium',
  data: longData,
  async plan({ args, services }) {
    requireMinimumAge(services, args.olderThan);
    const target = postgresOf(services);
    const rows = await rowsOf(
      target,
      `${BACKEND_SQL}
        WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()
          AND NOT (pid = ANY($1::int[])) AND coalesce(state, '') <> 'idle'
          AND wait_event_type IS DISTINCT FROM 'Lock'
          AND query_start < now() - make_interval(secs => $2::double precision / 1000)
        ORDER BY query_start LIMIT $3`,
      [await target.ownPids(), args.olderThan, MAX_BACKENDS + 1],
      backendRow,
    );
    if (rows.length === 0)
      throw notFound(
        `No query has been running for more than ${formatDuration(args.olderThan)} on ${target.description}; nothing to terminate.`,
      );
    const listed = rows.slice(0, MAX_BACKENDS);
    const table = limitRows(
      listed.map((r) => [
        String(r.pid),
        r.user ?? '',
        r.application ?? '',
        r.state ?? '',
        formatDurationShort(r.running_s * 1000),
        shorten(maskSecrets(r.query), 80),
      ]),
      MAX_BACKENDS,
    );
    const more =
      rows.length > MAX_BACKENDS ? ` (the ${MAX_BACKENDS} oldest; request again for the rest)` : '';
    return {
      summary: `Terminate ${listed.length} backend(s) whose query has run longer than ${formatDuration(args.olderThan)}${more}.`,
      statement: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity\n WHERE pid IN (${listed.map((r) => r.pid).join(', ')})\n -- one at a time, each only while it is the same connection running the query listed;\n -- then up to ${formatDuration(services.config.OATIE_TARGET_TIMEOUT_MS)} for them to exit`,
      target: target.description,
      facts: [
        {
          label: 'Runs only on',
          value: 'backends still running the query listed (same pid, connection start and query start)',
        },
        {
          label: 'Left alone',
          value: 'queries only waiting for a lock (ending them frees nothing: `db blocking` ends the holder)',
        },
      ],
      table: { columns: ['pid', 'user', 'application', 'state', 'running', 'query'], ...table },
      data: { olderThanMs: args.olderThan, backends: listed.map(identityOf) },
    };
  },
  recheck: (plan, { services }) => recheckListed(services, plan.data.backends, 'running its query'),
  execute: (plan, { services }) => terminateListed(services, plan.data.backends, 'backend(s)'),
});

/** The policy's smallest threshold (fixes.minTerminateAge), for terminate-long and terminate-idle. */
export function requireMinimumAge(services: Services, olderThan: number): void {
  const min = services.policy.fixes.minTerminateAge;
  if (olderThan < min) {
    throw badArgument(`--older-than must be at least ${formatDuration(min)} (policy fixes.minTerminateAge).`);
  }
}

/** The re-check of a list: runs if any listed backend is still `what` (the same connection). */
export async function recheckListed(
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
export async function terminateListed(
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
