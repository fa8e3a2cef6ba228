// `db terminate-idle [--older-than 10m]`: end every session of the Oatie database that has been idle
// (or idle in a transaction) longer than a threshold: the leaked connections of "Connection Pool
// Exhaustion". Same plan, approval, re-check and report as `db terminate-long`: only sessions still
// the same connection, still idle since the same moment, are signalled; never the bot's own.
import { z } from 'zod';
import { limitRows, shorten } from '../chat/message.js';
import { notFound } from '../core/errors.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import { maskSecrets } from '../core/secrets.js';
import { recheckListed, requireMinimumAge, terminateListed } from './db-terminate-long.js';
import { BACKEND_SQL, backendIdentity, backendRow, identityOf } from './pg-backends.js';
import { defineFix } from './remediation.js';
import { postgresOf } from '../targets/require-target.js';
import { rowsOf } from './sql-rows.js';

/** At most this many sessions per request: a plan people can read in one card. */
const MAX_SESSIONS = 50;

const idleRow = backendRow.extend({ idle_s: z.number(), client: z.string() });

// The identity (pid, connection start, last query start and text, idle or not) is that of every
// termination; an idle session that runs a query meanwhile no longer matches and is left alone.
const IDLE_SQL = `SELECT b.*, extract(epoch FROM now() - a.state_change)::float8 AS idle_s,
       coalesce(host(a.client_addr), 'local socket') AS client
  FROM (${BACKEND_SQL}
        WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()
          AND NOT (pid = ANY($1::int[]))
          AND state IN ('idle', 'idle in transaction', 'idle in transaction (aborted)')
          AND state_change < now() - make_interval(secs => $2::double precision / 1000)) b
  JOIN pg_stat_activity a ON a.pid = b.pid
 ORDER BY a.state_change LIMIT $3`;

const idleData = z.object({ olderThanMs: z.number(), backends: z.array(backendIdentity).min(1) });

export const dbTerminateIdle = defineFix({
  command: 'db terminate-idle',
  risk: 'medium',
  data: idleData,
  async plan({ args, services }) {
    requireMinimumAge(services, args.olderThan);
    const target = postgresOf(services);
    const rows = await rowsOf(
      target,
      IDLE_SQL,
      [await target.ownPids(), args.olderThan, MAX_SESSIONS + 1],
      idleRow,
    );
    if (rows.length === 0)
      throw notFound(
        `No session has been idle for more than ${formatDuration(args.olderThan)} on ${target.description}; nothing to terminate.`,
      );
    const listed = rows.slice(0, MAX_SESSIONS);
    const table = limitRows(
      listed.map((r) => [
        String(r.pid),
        r.user ?? '',
        r.application ?? '',
        r.client,
        r.state ?? '',
        formatDurationShort(r.idle_s * 1000),
        shorten(maskSecrets(r.query), 60),
      ]),
      MAX_SESSIONS,
    );
    const more =
      rows.length > MAX_SESSIONS ? ` (the ${MAX_SESSIONS} oldest; request again for the rest)` : '';
    return {
      summary: `Terminate ${listed.length} session(s) idle for more than ${formatDuration(args.olderThan)}${more}.`,
      statement: `SELECT pg_terminate_backend(pid) FROM pg_stat_activity\n WHERE pid IN (${listed.map((r) => r.pid).join(', ')})\n -- one at a time, each only while it is the same connection, idle since the same query;\n -- then up to ${formatDuration(services.config.OATIE_TARGET_TIMEOUT_MS)} for them to exit`,
      target: target.description,
      facts: [
        {
          label: 'Runs only on',
          value: 'sessions still idle since the query listed (same pid, connection start and last query)',
        },
        {
          label: 'Idle in a transaction',
          value: 'ending such a session rolls its transaction back and releases its locks',
        },
      ],
      table: {
        columns: ['pid', 'user', 'application', 'client', 'state', 'idle for', 'last query'],
        ...table,
      },
      data: { olderThanMs: args.olderThan, backends: listed.map(identityOf) },
    };
  },
  recheck: (plan, { services }) => recheckListed(services, plan.data.backends, 'idle since the same query'),
  execute: (plan, { services }) => terminateListed(services, plan.data.backends, 'idle session(s)'),
});
