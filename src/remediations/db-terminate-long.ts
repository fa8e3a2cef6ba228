// `db terminate-long [--older-than 10m]`: end every client query of the Oatie database running longer
// than a threshold (at least policy fixes.minTerminateAge). The plan lists them; at execution only
// those still running the same query are terminated.
import { z } from 'zod';
import { limitRows, shorten } from '../chat/message.js';
import { badArgument, notFound } from '../core/errors.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import {
  BACKEND_SQL,
  backendIdentity,
  backendRow,
  identityOf,
  stillMatching,
  terminateMatching,
} from './pg-backends.js';
import { defineFix } from './remediation.js';
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
    const min = services.policy.fixes.minTerminateAge;
    if (args.olderThan < min) {
      throw badArgument(
        `--older-than must be at least ${formatDuration(min)} (policy fixes.minTerminateAge).`,
      );
    }
    const target = postgresOf(services);
    const rows = await rowsOf(
      target,
      `${BACKEND_SQL}
        WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()
          AND NOT (pid = ANY($1::int[])) AND coalesce(state, '') <> 'idle'
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
        shorten(r.query, 80),
      ]),
      MAX_BACKENDS,
    );
    const more =
      rows.length > MAX_BACKENDS ? ` (the ${MAX_BACKENDS} oldest; request again for the rest)` : '';
    return {
      summary: `Terminate ${listed.length} backend(s) whose query has run longer than ${formatDuration(args.olderThan)}${more}.`,
      statement: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity\n WHERE pid IN (${listed.map((r) => r.pid).join(', ')})\n -- each only while it is the same connection running the query listed`,
      target: target.description,
      facts: [
        {
          label: 'Runs only on',
          value: 'backends still running the query listed (same pid, connection start and query start)',
        },
      ],
      table: { columns: ['pid', 'user', 'application', 'state', 'running', 'query'], ...table },
      data: { olderThanMs: args.olderThan, backends: listed.map(identityOf) },
    };
  },
  async recheck(plan, { services }) {
    const matching = await stillMatching(postgresOf(services), plan.data.backends);
    return matching.length > 0
      ? { ok: true }
      : { ok: false, reason: 'none of the listed backends is still running its query.' };
  },
  async execute(plan, { services }) {
    const results = await terminateMatching(postgresOf(services), plan.data.backends);
    const done = results.filter((r) => r.terminated).map((r) => r.pid);
    const stuck = results.filter((r) => !r.terminated).map((r) => r.pid);
    const gone = plan.data.backends.map((b) => b.pid).filter((pid) => !results.some((r) => r.pid === pid));
    const lines = [
      `terminated: ${done.join(', ') || 'none'}`,
      `no longer running the listed query (left alone): ${gone.join(', ') || 'none'}`,
      ...(stuck.length > 0 ? [`signalled but not exited after 1 s: ${stuck.join(', ')}`] : []),
    ];
    return {
      ok: stuck.length === 0 && done.length > 0,
      summary: `${done.length} of ${plan.data.backends.length} backend(s) terminated.`,
      output: lines.join('\n'),
    };
  },
});
