// `db terminate-idle [--older-than 10m]`: end every session of the Oatie database that has been idle
// (or idle in a transaction) longer than a threshold: the leaked connections of "Connection Pool
// Exhaustion". Same plan, approval, re-check and report as `db terminate-long`: only sessions still
// the same connection, still idle since the same moment, are signalled; never the bot's own.
import { z } from 'zod';
import { formatDurationShort } from '../core/duration.js';
import { listedTermination, queryColumn, stateColumn, whoColumns } from './listed-termination.js';
import { BACKEND_SQL, backendRow } from './pg-backends.js';

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

export const dbTerminateIdle = listedTermination({
  command: 'db terminate-idle',
  sql: IDLE_SQL,
  row: idleRow,
  none: 'No session has been idle',
  summary: (count, olderThan) => `Terminate ${count} session(s) idle for more than ${olderThan}`,
  columns: [
    ...whoColumns,
    { header: 'client', cell: (r) => r.client },
    stateColumn,
    { header: 'idle for', cell: (r) => formatDurationShort(r.idle_s * 1000) },
    queryColumn('last query', 60),
  ],
  onlyWhile: 'the same connection, idle since the same query',
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
  still: 'idle since the same query',
  noun: 'idle session(s)',
});
