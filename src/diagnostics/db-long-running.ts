// `db long-running [--older-than 5m]`: queries and open transactions running longer than a threshold,
// oldest first, with a button to terminate them (an approved fix).
import { shorten, type Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import { maskSecrets } from '../core/secrets.js';
import { idleSessionBlocks, idleSessions, idleSummary } from './idle-sessions.js';
import { terminateOffer } from './terminate-offer.js';
import { postgresOf } from '../targets/require-target.js';
import { visibilityWarning } from './stats-visibility.js';
import { diagnosis, plural, table, verdict } from './verdict.js';

interface LongRunningRow {
  pid: number;
  user: string;
  application: string;
  state: string;
  ms: number;
  wait: string | null;
  query: string;
}

// Idle connections are not running anything (their query_start is their last query), and the
// bot's own connections are never candidates.
const LONG_RUNNING_SQL = `
SELECT pid,
       coalesce(usename, '?') AS "user",
       coalesce(nullif(application_name, ''), '(none)') AS application,
       coalesce(state, 'unknown') AS state,
       extract(epoch FROM now() - query_start)::float8 * 1000 AS ms,
       CASE WHEN wait_event_type IS NULL THEN NULL ELSE wait_event_type || ':' || wait_event END AS wait,
       coalesce(query, '') AS query
FROM pg_stat_activity
WHERE backend_type = 'client backend'
  AND datname = current_database()
  AND state IS DISTINCT FROM 'idle'
  AND pid <> pg_backend_pid()
  AND NOT (pid = ANY ($2::int[]))
  AND query_start < now() - make_interval(secs => $1)
ORDER BY query_start
LIMIT 200`;

export const dbLongRunning = defineCommand('db long-running', async ({ args, services }) => {
  const target = postgresOf(services);
  const own = await target.ownPids();
  const rows = await target.query<LongRunningRow>(LONG_RUNNING_SQL, [args.olderThan / 1000, own]);
  const threshold = formatDuration(args.olderThan);
  const title = `Long-running queries (over ${threshold}) — ${target.description}`;
  const oldest = rows[0];
  // A leaked connection runs nothing, so it is not a long-running query; it still needs ending.
  const idle = (await idleSessions(target, args.olderThan)).filter((s) => s.state === 'idle');
  const idleBlocks = await idleSessionBlocks(services, idle, args.olderThan, 'db long-running');
  if (!oldest) {
    const none = `No query has been running for more than ${threshold}.`;
    const text =
      idle.length > 0
        ? verdict('warn', `${none} But ${idleSummary(idle, args.olderThan)}.`)
        : verdict('ok', none);
    return diagnosis(title, text, [...(await visibilityWarning(target)), ...idleBlocks]);
  }

  const text = verdict(
    'warn',
    `${plural(rows.length, 'query has', 'queries have')} been running for more than ${threshold}; the oldest for ${formatDuration(oldest.ms)} (pid ${oldest.pid}, ${oldest.application}, ${oldest.state}).`,
  );
  const blocks: Block[] = [
    table(
      ['pid', 'duration', 'state', 'user', 'application', 'waiting on', 'query'],
      rows.map((r) => [
        String(r.pid),
        formatDurationShort(r.ms),
        r.state,
        r.user,
        r.application,
        r.wait ?? '',
        shorten(maskSecrets(r.query), 80),
      ]),
    ),
  ];
  if (rows.some((r) => r.state.startsWith('idle in transaction'))) {
    blocks.push({
      kind: 'context',
      text: '"idle in transaction" means the application opened a transaction and stopped talking: it holds its locks until it commits or is terminated.',
    });
  }
  blocks.push({
    kind: 'context',
    text: `Where a query's time goes: \`db explain ${oldest.pid}\` shows its plan (plain EXPLAIN, nothing runs); any pid of the table works.`,
  });
  blocks.push(...(await visibilityWarning(target)));
  const sessions = rows.map((r) => ({ ...r, waitingOnLock: r.wait?.startsWith('Lock:') === true }));
  blocks.push(...(await terminateOffer(services, sessions, args.olderThan)));
  blocks.push(...idleBlocks);
  return diagnosis(title, text, blocks);
});
