// `db indexes`: unused and least-used indexes with their size, and tables that look like they miss
// one (many sequential scans over many rows).
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { postgresOf } from '../targets/require-target.js';
import { statsSince } from './relative-time.js';
import { count, diagnosis, plural, table, verdict } from './verdict.js';

interface IndexRow {
  schema: string;
  table: string;
  index: string;
  scans: number;
  size: string;
  constraint: boolean;
  /** The foreign key whose columns lead this index, if any (it makes deletes on the parent cheap). */
  foreign_key: string | null;
  /** The table that foreign key references. */
  parent: string | null;
}

interface SeqScanRow {
  schema: string;
  table: string;
  seq_scans: number;
  rows_read: number;
  index_scans: number;
  live_rows: number;
  size: string;
}

const INDEXES_SQL = `
SELECT s.schemaname AS schema, s.relname AS "table", s.indexrelname AS index,
       s.idx_scan::float8 AS scans,
       pg_size_pretty(pg_relation_size(s.indexrelid)) AS size,
       (i.indisunique OR i.indisprimary OR i.indisexclusion
         OR EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype <> 'f')) AS "constraint",
       fk.conname AS foreign_key, fk.parent
FROM pg_stat_user_indexes s
JOIN pg_index i ON i.indexrelid = s.indexrelid
-- A foreign key is backed when its columns are the index's leading columns, in any order:
-- without such an index every delete or key update on the parent scans this table.
LEFT JOIN LATERAL (
  SELECT c.conname, c.confrelid::regclass::text AS parent
  FROM pg_constraint c
  WHERE c.contype = 'f' AND c.conrelid = i.indrelid
    AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] @> c.conkey
    AND (string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)] <@ c.conkey
  ORDER BY c.conname LIMIT 1
) fk ON true
ORDER BY s.idx_scan, (i.indisunique OR i.indisprimary), pg_relation_size(s.indexrelid) DESC, s.indexrelname
LIMIT 200`;

// "Many rows" and "many scans": below these a sequential scan is as cheap as an index. Index scans
// are not compared: foreign-key checks alone make thousands of them on the primary key.
const MIN_ROWS = 10_000;
const MIN_SEQ_SCANS = 20;

const SEQ_SCANS_SQL = `
SELECT schemaname AS schema, relname AS "table",
       seq_scan::float8 AS seq_scans, seq_tup_read::float8 AS rows_read,
       coalesce(idx_scan, 0)::float8 AS index_scans, n_live_tup::float8 AS live_rows,
       pg_size_pretty(pg_relation_size(relid)) AS size
FROM pg_stat_user_tables
WHERE n_live_tup >= $1 AND seq_scan >= $2 AND seq_tup_read / seq_scan >= $1 / 2
ORDER BY seq_tup_read DESC
LIMIT 20`;

const SINCE_SQL = `SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()`;

const qualified = (schema: string, name: string): string =>
  schema === 'public' ? name : `${schema}.${name}`;

/** Whether dropping the index would hurt even though no query uses it. */
const mustKeep = (i: IndexRow): boolean => i.constraint || i.foreign_key !== null;

function note(i: IndexRow): string {
  if (i.scans > 0) return '';
  if (i.constraint) return 'unused, but enforces a constraint: keep';
  if (i.foreign_key !== null) return 'unused, but backs a foreign key: keep';
  return 'unused: candidate to drop';
}

function indexRows(indexes: IndexRow[]): string[][] {
  return indexes.map((i) => [i.index, qualified(i.schema, i.table), count(i.scans), i.size, note(i)]);
}

const firstNames = (names: string[]): string => names.slice(0, 5).join(', ');

function summary(droppable: IndexRow[], seqScans: SeqScanRow[], since: string): string {
  const findings: string[] = [];
  if (droppable.length > 0) {
    findings.push(
      `${plural(droppable.length, 'index has', 'indexes have')} never been used ${since} (${firstNames(droppable.map((i) => i.index))}): each one slows every write for nothing.`,
    );
  }
  if (seqScans.length > 0) {
    findings.push(
      `${plural(seqScans.length, 'table is', 'tables are')} read by sequential scans over many rows (${firstNames(seqScans.map((t) => t.table))}): probably a missing index.`,
    );
  }
  if (findings.length === 0) {
    return verdict(
      'ok',
      `Every index is used and no big table is read by repeated sequential scans (${since}).`,
    );
  }
  return verdict('warn', findings.join(' '));
}

function missingIndexBlocks(seqScans: SeqScanRow[]): Block[] {
  if (seqScans.length === 0) return [];
  return [
    { kind: 'section', text: 'Tables that may miss an index' },
    table(
      ['table', 'seq scans', 'rows read', 'index scans', 'live rows', 'size'],
      seqScans.map((t) => [
        qualified(t.schema, t.table),
        count(t.seq_scans),
        count(t.rows_read),
        count(t.index_scans),
        count(t.live_rows),
        t.size,
      ]),
    ),
    {
      kind: 'context',
      text: 'Find the filter in `db slow-queries` (or EXPLAIN it), then `db create-index <table> <columns>` builds the index concurrently after approval.',
    },
  ];
}

export const dbIndexes = defineCommand('db indexes', async ({ services }) => {
  const target = postgresOf(services);
  const indexes = await target.query<IndexRow>(INDEXES_SQL);
  const seqScans = await target.query<SeqScanRow>(SEQ_SCANS_SQL, [MIN_ROWS, MIN_SEQ_SCANS]);
  const [stats] = await target.query<{ stats_reset: Date | null }>(SINCE_SQL);
  const since = statsSince(stats?.stats_reset, services.now());
  const droppable = indexes.filter((i) => i.scans === 0 && !mustKeep(i));
  const text = summary(droppable, seqScans, since);
  const blocks: Block[] = [
    { kind: 'section', text: 'Least-used indexes' },
    table(['index', 'table', 'scans', 'size', 'note'], indexRows(indexes), 10),
    ...missingIndexBlocks(seqScans),
  ];
  const foreignKeys = indexes.filter((i) => i.scans === 0 && !i.constraint && i.foreign_key !== null);
  if (foreignKeys.length > 0) {
    blocks.push({
      kind: 'context',
      text: foreignKeys
        .slice(0, 5)
        .map(
          (i) =>
            `${i.index} backs the foreign key ${i.foreign_key ?? ''} (${i.table} → ${i.parent ?? '?'}): without it every delete or key change on ${i.parent ?? 'the parent'} scans ${i.table}. It stays.`,
        )
        .join('\n'),
    });
  }
  if (droppable.length > 0) {
    blocks.push({
      kind: 'context',
      text: 'Check replicas and monthly jobs before dropping: `db drop-index <index>` (needs approval).',
    });
  }
  return diagnosis(`Index usage — ${target.description}`, text, blocks);
});
