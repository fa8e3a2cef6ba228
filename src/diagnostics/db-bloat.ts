// `db bloat`: dead tuples and the last vacuum and analyze of each table, with a VACUUM button for
// the worst ones (an approved fix).
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { identifier } from '../commands/args.js';
import type { Services } from '../core/services.js';
import { fixOffer, type OfferedFix } from './fix-button.js';
import { postgresOf } from '../targets/require-target.js';
import { agoOrNever } from './relative-time.js';
import { count, diagnosis, plural, table, verdict } from './verdict.js';

interface TableRow {
  schema: string;
  table: string;
  /** schema.table as the database writes it (quoted where needed): what the VACUUM button carries. */
  exact: string;
  live: number;
  dead: number;
  size: string;
  last_vacuum: Date | null;
  last_analyze: Date | null;
  autovacuum_off: boolean;
}

const BLOAT_SQL = `
SELECT t.schemaname AS schema, t.relname AS "table", format('%I.%I', t.schemaname, t.relname) AS exact,
       t.n_live_tup::float8 AS live, t.n_dead_tup::float8 AS dead,
       pg_size_pretty(pg_total_relation_size(t.relid)) AS size,
       greatest(t.last_vacuum, t.last_autovacuum) AS last_vacuum,
       greatest(t.last_analyze, t.last_autoanalyze) AS last_analyze,
       coalesce('autovacuum_enabled=false' = ANY (c.reloptions), false) AS autovacuum_off
FROM pg_stat_user_tables t
JOIN pg_class c ON c.oid = t.relid
ORDER BY t.n_dead_tup DESC, t.relname
LIMIT 200`;

// A table is bloated when dead tuples are both many and a large share of it (autovacuum's own
// default trigger is 50 rows + 20%).
const MIN_DEAD = 1000;
const MIN_DEAD_SHARE = 0.2;
const MAX_VACUUM_BUTTONS = 3;

const deadShare = (t: TableRow): number => (t.live + t.dead === 0 ? 0 : t.dead / (t.live + t.dead));
const isBloated = (t: TableRow): boolean => t.dead >= MIN_DEAD && deadShare(t) >= MIN_DEAD_SHARE;
const qualified = (t: TableRow): string => (t.schema === 'public' ? t.table : `${t.schema}.${t.table}`);

function summary(bloated: TableRow[]): string {
  const worst = bloated[0];
  if (!worst) return verdict('ok', 'No table has a large share of dead tuples.');
  const off = bloated.filter((t) => t.autovacuum_off).map(qualified);
  const offText = off.length > 0 ? ` Autovacuum is switched off on ${off.join(', ')}.` : '';
  return verdict(
    'warn',
    `${plural(bloated.length, 'table needs', 'tables need')} a vacuum: ${qualified(worst)} is ${Math.round(deadShare(worst) * 100)}% dead tuples (${count(worst.dead)} dead, ${count(worst.live)} live).${offText}`,
  );
}

/** VACUUM buttons for the worst bloated tables. A button carries the schema-qualified name the
 * database wrote, so it plans exactly that table (never one found through search_path or by case
 * folding). Only names the grammar accepts back can go into a fix; others are left to a DBA. */
function vacuumOffer(services: Services, bloated: readonly TableRow[]): Promise<Block[]> {
  const fixes = bloated
    .filter((t) => identifier.safeParse(t.exact).success)
    .slice(0, MAX_VACUUM_BUTTONS)
    .map((t): OfferedFix => ({
      label: `VACUUM ${t.exact}`,
      proposal: {
        command: 'db vacuum',
        args: { table: t.exact },
        why: `db bloat: ${Math.round(deadShare(t) * 100)}% of ${qualified(t)} is dead tuples`,
      },
    }));
  return fixOffer(
    services,
    fixes,
    'VACUUM (ANALYZE) frees dead tuples for reuse without locking out reads or writes; it runs after approval.',
  );
}

export const dbBloat = defineCommand('db bloat', async ({ services }) => {
  const target = postgresOf(services);
  const now = services.now();
  const tables = await target.query<TableRow>(BLOAT_SQL);
  const bloated = tables.filter(isBloated);
  return diagnosis(`Table bloat — ${target.description}`, summary(bloated), [
    table(
      ['table', 'dead', 'dead %', 'live', 'size', 'last vacuum', 'last analyze', 'autovacuum'],
      tables.map((t) => [
        qualified(t),
        count(t.dead),
        `${Math.round(deadShare(t) * 100)}%`,
        count(t.live),
        t.size,
        agoOrNever(t.last_vacuum, now),
        agoOrNever(t.last_analyze, now),
        t.autovacuum_off ? 'off' : 'on',
      ]),
      12,
    ),
    ...(await vacuumOffer(services, bloated)),
  ]);
});
