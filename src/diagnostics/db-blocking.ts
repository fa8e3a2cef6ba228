// `db blocking`: which queries wait for a lock and which sessions hold it (pg_blocking_pids), with
// the sessions at the head of each chain, the ones to end if anything must go.
import { shorten, type Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import { maskSecrets } from '../core/secrets.js';
import type { Services } from '../core/services.js';
import { fixOffer, type OfferedFix } from './fix-button.js';
import { postgresOf } from '../targets/require-target.js';
import { visibilityWarning } from './stats-visibility.js';
import { diagnosis, plural, table, verdict } from './verdict.js';

interface BlockingRow {
  blocked_pid: number;
  blocked_user: string;
  blocked_application: string;
  blocked_query: string;
  waiting_ms: number;
  blocking_pid: number;
  blocking_user: string;
  blocking_application: string;
  blocking_state: string;
  blocking_query: string;
  blocking_xact_ms: number | null;
}

// pg_blocking_pids follows the lock manager's real wait graph (including lock queues), which the
// guide's self-join on pg_locks approximates.
const BLOCKING_SQL = `
SELECT blocked.pid AS blocked_pid,
       coalesce(blocked.usename, '?') AS blocked_user,
       coalesce(nullif(blocked.application_name, ''), '(none)') AS blocked_application,
       coalesce(blocked.query, '') AS blocked_query,
       extract(epoch FROM now() - coalesce(blocked.query_start, now()))::float8 * 1000 AS waiting_ms,
       blocking.pid AS blocking_pid,
       coalesce(blocking.usename, '?') AS blocking_user,
       coalesce(nullif(blocking.application_name, ''), '(none)') AS blocking_application,
       coalesce(blocking.state, 'unknown') AS blocking_state,
       coalesce(blocking.query, '') AS blocking_query,
       (extract(epoch FROM now() - blocking.xact_start) * 1000)::float8 AS blocking_xact_ms
FROM pg_stat_activity blocked
CROSS JOIN LATERAL unnest(pg_blocking_pids(blocked.pid)) AS holder(pid)
JOIN pg_stat_activity blocking ON blocking.pid = holder.pid
WHERE blocked.datname = current_database()
ORDER BY waiting_ms DESC, blocked.pid, blocking.pid
LIMIT 200`;

const MAX_TERMINATE_BUTTONS = 3;

/** Sessions that block others without waiting themselves: the heads of the chains. */
function headsOf(rows: BlockingRow[]): BlockingRow[] {
  const waiting = new Set(rows.map((r) => r.blocked_pid));
  const seen = new Set<number>();
  return rows.filter((r) => {
    if (waiting.has(r.blocking_pid) || seen.has(r.blocking_pid)) return false;
    seen.add(r.blocking_pid);
    return true;
  });
}

/** Every session waiting on `pid`, directly or behind another waiter. */
function heldUp(pid: number, rows: BlockingRow[]): number {
  const reached = new Set<number>();
  const queue = [pid];
  while (queue.length > 0) {
    const current = queue.shift();
    for (const row of rows) {
      if (row.blocking_pid === current && !reached.has(row.blocked_pid)) {
        reached.add(row.blocked_pid);
        queue.push(row.blocked_pid);
      }
    }
  }
  return reached.size;
}

function describeHead(head: BlockingRow, rows: BlockingRow[]): string {
  const held =
    head.blocking_xact_ms === null ? '' : `, transaction open for ${formatDuration(head.blocking_xact_ms)}`;
  return `pid ${head.blocking_pid} (${head.blocking_user}, ${head.blocking_application}) is ${head.blocking_state}${held}, and holds up ${plural(heldUp(head.blocking_pid, rows), 'query', 'queries')}`;
}

function summary(rows: BlockingRow[], heads: BlockingRow[]): string {
  const blockedCount = new Set(rows.map((r) => r.blocked_pid)).size;
  const why =
    heads.length > 0
      ? heads.map((h) => describeHead(h, rows)).join('; ')
      : 'They wait on each other in a cycle; Postgres ends one of them after deadlock_timeout';
  return verdict('bad', `${plural(blockedCount, 'query is', 'queries are')} blocked. ${why}.`);
}

function chainTable(rows: BlockingRow[]): Block {
  return table(
    [
      'blocked pid',
      'user',
      'waiting',
      'blocked statement',
      '← blocking pid',
      'user',
      'state',
      'blocking statement',
    ],
    rows.map((r) => [
      String(r.blocked_pid),
      r.blocked_user,
      formatDurationShort(r.waiting_ms),
      shorten(maskSecrets(r.blocked_query), 60),
      String(r.blocking_pid),
      r.blocking_user,
      r.blocking_state,
      shorten(maskSecrets(r.blocking_query), 60),
    ]),
  );
}

/** Buttons to end the heads of the chains (never the bot's own connections). */
function terminateOffer(services: Services, heads: BlockingRow[], own: Set<number>): Promise<Block[]> {
  const fixes = heads
    .filter((h) => !own.has(h.blocking_pid))
    .slice(0, MAX_TERMINATE_BUTTONS)
    .map((head): OfferedFix => ({
      label: `Terminate pid ${head.blocking_pid}`,
      proposal: {
        command: 'db terminate',
        args: { pid: String(head.blocking_pid) },
        why: `db blocking: pid ${head.blocking_pid} is at the head of a lock chain`,
      },
      style: 'danger',
    }));
  return fixOffer(
    services,
    fixes,
    'Ending the session at the head of a chain releases its locks and rolls back its transaction; it needs approval.',
  );
}

export const dbBlocking = defineCommand('db blocking', async ({ services }) => {
  const target = postgresOf(services);
  const rows = await target.query<BlockingRow>(BLOCKING_SQL);
  const title = `Blocking queries — ${target.description}`;
  if (rows.length === 0) {
    const text = verdict('ok', 'No query is waiting for a lock held by another session.');
    return diagnosis(title, text, await visibilityWarning(target));
  }
  const heads = headsOf(rows);
  return diagnosis(title, summary(rows, heads), [
    chainTable(rows),
    ...(await visibilityWarning(target)),
    ...(await terminateOffer(services, heads, new Set(await target.ownPids()))),
  ]);
});
