// `db terminate-long [--older-than 10m]`: end every client query of the Oatie database running longer
// than a threshold (at least policy fixes.minTerminateAge). The plan lists them (never a replica of
// the bot, never a query that only waits for a lock); at execution only those still running the same
// query are terminated, and the card says what became of each.
import { formatDurationShort } from '../core/duration.js';
import { listedTermination, queryColumn, stateColumn, whoColumns } from './listed-termination.js';
import { BACKEND_SQL, backendRow } from './pg-backends.js';

export const dbTerminateLong = listedTermination({
  command: 'db terminate-long',
  sql: `${BACKEND_SQL}
        WHERE backend_type = 'client backend' AND datname = current_database() AND pid <> pg_backend_pid()
          AND NOT (pid = ANY($1::int[])) AND coalesce(state, '') <> 'idle'
          AND wait_event_type IS DISTINCT FROM 'Lock'
          AND query_start < now() - make_interval(secs => $2::double precision / 1000)
        ORDER BY query_start LIMIT $3`,
  row: backendRow,
  none: 'No query has been running',
  summary: (count, olderThan) => `Terminate ${count} backend(s) whose query has run longer than ${olderThan}`,
  columns: [
    ...whoColumns,
    stateColumn,
    { header: 'running', cell: (r) => formatDurationShort(r.running_s * 1000) },
    queryColumn('query', 80),
  ],
  onlyWhile: 'the same connection running the query listed',
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
  still: 'running its query',
  noun: 'backend(s)',
});
