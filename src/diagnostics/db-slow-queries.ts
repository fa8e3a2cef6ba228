// `db slow-queries [--min-ms 1000]`: the slowest statements by mean time, from pg_stat_statements,
// with their calls and cache hit ratio; says how to enable the extension when it is missing.
import { shorten, type Block } from '../chat/message.js';
import { defineCommand, toChannel } from '../commands/handler.js';
import { maskSecrets } from '../core/secrets.js';
import type { SqlTarget } from '../targets/targets.js';
import { postgresOf } from '../targets/require-target.js';
import { statsSince } from './relative-time.js';
import { count, diagnosis, formatMs, plural, table, verdict } from './verdict.js';

interface ExtensionState {
  installed: boolean;
  available: boolean;
  preload: string;
}

interface SlowRow {
  id: string;
  query: string;
  calls: number;
  mean_ms: number;
  total_ms: number;
  rows: number;
  hit_percent: number | null;
}

const EXTENSION_SQL = `
SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS installed,
       EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_stat_statements') AS available,
       current_setting('shared_preload_libraries') AS preload`;

// Statements of this database only; pg_stat_statements holds the whole server's.
const SLOW_SQL = `
SELECT s.queryid::text AS id,
       s.query,
       s.calls::float8 AS calls,
       s.mean_exec_time AS mean_ms,
       s.total_exec_time AS total_ms,
       s.rows::float8 AS rows,
       (100.0 * s.shared_blks_hit / nullif(s.shared_blks_hit + s.shared_blks_read, 0))::float8 AS hit_percent
FROM pg_stat_statements s
JOIN pg_database d ON d.oid = s.dbid
WHERE d.datname = current_database() AND s.mean_exec_time >= $1
ORDER BY s.mean_exec_time DESC
LIMIT 100`;

const SINCE_SQL = `SELECT stats_reset FROM pg_stat_statements_info`;

function missingExtension(state: ExtensionState): Block[] | undefined {
  const loaded = state.preload
    .split(',')
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .includes('pg_stat_statements');
  if (loaded && state.installed) return undefined;
  const current = state.preload.trim();
  const list = current === '' ? 'pg_stat_statements' : `${current}, pg_stat_statements`;
  const steps: string[] = [];
  if (!state.available)
    steps.push('-- install the contrib package of your Postgres version (postgresql-contrib) first');
  if (!loaded) {
    steps.push(
      `ALTER SYSTEM SET shared_preload_libraries = '${list}';`,
      '-- then restart Postgres (a reload is not enough)',
    );
  }
  steps.push('CREATE EXTENSION IF NOT EXISTS pg_stat_statements;  -- in this database');
  const text = verdict(
    'info',
    loaded
      ? 'pg_stat_statements is loaded but not created in this database, so there are no query statistics to read yet.'
      : 'pg_stat_statements is not enabled on this server, so there are no query statistics to read. To enable it:',
  );
  return [
    { kind: 'section', text },
    { kind: 'code', text: steps.join('\n') },
    { kind: 'context', text: 'Statistics accumulate from then on; come back after some traffic.' },
  ];
}

/** Whether pg_stat_statements can be read in this database: preloaded and created. */
export async function statementStatsReadable(target: SqlTarget): Promise<boolean> {
  const [state] = await target.query<ExtensionState>(EXTENSION_SQL);
  return state !== undefined && missingExtension(state) === undefined;
}

async function statementsSince(target: SqlTarget, now: Date): Promise<string> {
  try {
    const [row] = await target.query<{ stats_reset: Date | null }>(SINCE_SQL);
    return statsSince(row?.stats_reset, now);
  } catch {
    // pg_stat_statements_info exists from extension version 1.9 (Postgres 14); older ones lack it.
    return 'since statistics began';
  }
}

export const dbSlowQueries = defineCommand('db slow-queries', async ({ args, services }) => {
  const target = postgresOf(services);
  const title = `Slow queries (mean ≥ ${args.minMs} ms) — ${target.description}`;
  const [state] = await target.query<ExtensionState>(EXTENSION_SQL);
  const missing = state ? missingExtension(state) : undefined;
  if (missing) {
    const blocks: Block[] = [{ kind: 'header', text: title }, ...missing];
    return toChannel({ text: 'pg_stat_statements is not enabled', blocks });
  }

  const rows = await target.query<SlowRow>(SLOW_SQL, [args.minMs]);
  const since = await statementsSince(target, services.now());
  const slowest = rows[0];
  if (!slowest)
    return diagnosis(
      title,
      verdict('ok', `No statement takes ${args.minMs} ms or more on average (${since}).`),
    );
  const text = verdict(
    'warn',
    `${plural(rows.length, 'statement takes', 'statements take')} ${args.minMs} ms or more on average (${since}); the slowest averages ${formatMs(slowest.mean_ms)} over ${plural(slowest.calls, 'call', 'calls')}.`,
  );
  return diagnosis(title, text, [
    table(
      ['id', 'mean', 'calls', 'total', 'rows', 'cache hit', 'query'],
      rows.map((r) => [
        r.id,
        formatMs(r.mean_ms),
        count(r.calls),
        formatMs(r.total_ms),
        count(r.rows),
        r.hit_percent === null ? '—' : `${r.hit_percent.toFixed(1)}%`,
        shorten(maskSecrets(r.query), 90),
      ]),
    ),
    {
      kind: 'context',
      text: 'A low cache hit ratio means reads from disk; a slow statement on a big table often misses an index — see `db indexes`.',
    },
    {
      kind: 'context',
      text: `Where its time goes: \`db explain ${slowest.id}\` plans the slowest (plain EXPLAIN, nothing runs); any id of the first column works.`,
    },
  ]);
});
