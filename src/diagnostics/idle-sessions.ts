// Sessions that hold a connection slot without running anything: idle (a leaked or oversized pool)
// or idle in a transaction (holding locks too), for longer than a threshold, with their age, client
// and application, and the offer to end them (`db terminate-idle`). `db connections` and
// `db long-running` show them: they are what "Connection Pool Exhaustion" mostly is.
import { shorten, type Block } from '../chat/message.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import { maskSecrets } from '../core/secrets.js';
import type { Services } from '../core/services.js';
import type { SqlTarget } from '../targets/targets.js';
import { IDLE, terminateOffer } from './terminate-offer.js';
import { count, plural, table } from './verdict.js';

export interface IdleSession {
  pid: number;
  user: string;
  application: string;
  client: string;
  state: string;
  /** Time in this state (since state_change), in milliseconds. */
  ms: number;
  query: string;
}

// state_change is when the session went idle; query_start would be the start of its last query.
// The bot's own connections (every replica's: ownPids) are never listed.
const IDLE_SQL = `
SELECT pid,
       coalesce(usename, '?') AS "user",
       coalesce(nullif(application_name, ''), '(none)') AS application,
       coalesce(host(client_addr), 'local socket') AS client,
       state,
       extract(epoch FROM now() - state_change)::float8 * 1000 AS ms,
       coalesce(query, '') AS query
FROM pg_stat_activity
WHERE backend_type = 'client backend'
  AND datname = current_database()
  AND state IN ('idle', 'idle in transaction', 'idle in transaction (aborted)')
  AND pid <> pg_backend_pid()
  AND NOT (pid = ANY ($2::int[]))
  AND state_change < now() - make_interval(secs => $1)
ORDER BY state_change
LIMIT 200`;

export async function idleSessions(target: SqlTarget, olderThan: number): Promise<IdleSession[]> {
  return target.query<IdleSession>(IDLE_SQL, [olderThan / 1000, await target.ownPids()]);
}

/** "2 sessions have been idle for more than 10 minutes (1 in a transaction)". */
export function idleSummary(sessions: readonly IdleSession[], olderThan: number): string {
  const inTransaction = sessions.filter((s) => s.state !== 'idle').length;
  const tx = inTransaction > 0 ? ` (${count(inTransaction)} in a transaction, holding its locks)` : '';
  return `${plural(sessions.length, 'session has', 'sessions have')} been idle for more than ${formatDuration(olderThan)}${tx}, each holding a connection slot`;
}

/** The sessions as a table, what they mean, and the offer to end them; nothing when there are none. */
export async function idleSessionBlocks(
  services: Services,
  sessions: readonly IdleSession[],
  olderThan: number,
  source: string,
): Promise<Block[]> {
  if (sessions.length === 0) return [];
  return [
    { kind: 'section', text: `Idle sessions (over ${formatDuration(olderThan)})` },
    table(
      ['pid', 'idle for', 'state', 'user', 'application', 'client', 'last query'],
      sessions.map((s) => [
        String(s.pid),
        formatDurationShort(s.ms),
        s.state,
        s.user,
        s.application,
        s.client,
        shorten(maskSecrets(s.query), 60),
      ]),
    ),
    {
      kind: 'context',
      text: 'An idle session runs nothing: the application took a connection and never gave it back (a leak, or a pool larger than it needs). Ending it frees the slot; the application reconnects when it needs one.',
    },
    ...(await terminateOffer(services, sessions, olderThan, { ...IDLE, source })),
  ];
}
