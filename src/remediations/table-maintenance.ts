// VACUUM, ANALYZE and REINDEX of one table share their shape: resolve the table, let the database
// write the statement, check the table is still the same one, run it on its own connection on the
// name the table's oid has there (in one transaction with that check where Postgres allows it).
import { z } from 'zod';
import type { Field } from '../chat/message.js';
import { postgresOf } from '../targets/require-target.js';
import type { SqlTarget } from '../targets/targets.js';
import { changeOf, relation, relationUnchanged, resolveRelation, statementFor } from './pg-relations.js';
import { defineFix, type Fix } from './remediation.js';
import { elapsed } from './elapsed.js';
import { isChanged, nothingRan, runInTransaction, runOutsideTransaction } from './run-on-relation.js';
import { rowsOf } from './sql-rows.js';

type TableCommand = 'db vacuum' | 'db analyze' | 'db reindex';

export interface TableMaintenance<K extends TableCommand> {
  command: K;
  /** The statement, with two %I for the schema and the table. */
  template: string;
  /** The kinds of relation it applies to (pg_class.relkind). */
  kinds: readonly string[];
  verb: string;
  /** Whether Postgres lets it run in a transaction (ANALYZE does; VACUUM and CONCURRENTLY do not). */
  inTransaction: boolean;
}

const tableData = z.object({ table: relation, statement: z.string() });

const facts = z.object({
  size: z.string(),
  live: z.string().nullable(),
  dead: z.string().nullable(),
  indexes: z.string(),
  last_vacuum: z.string().nullable(),
  last_analyze: z.string().nullable(),
});

async function tableFacts(target: SqlTarget, oid: string): Promise<Field[]> {
  const [row] = await rowsOf(
    target,
    `SELECT pg_size_pretty(pg_total_relation_size(c.oid)) AS size,
            s.n_live_tup::text AS live, s.n_dead_tup::text AS dead,
            (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid)::text AS indexes,
            greatest(s.last_vacuum, s.last_autovacuum)::text AS last_vacuum,
            greatest(s.last_analyze, s.last_autoanalyze)::text AS last_analyze
       FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = $1::oid`,
    [oid],
    facts,
  );
  if (!row) return [];
  return [
    { label: 'Size', value: `${row.size} with ${row.indexes} index(es)` },
    { label: 'Rows', value: `${row.live ?? '?'} live, ${row.dead ?? '?'} dead` },
    {
      label: 'Last vacuum / analyze',
      value: `${row.last_vacuum ?? 'never'} / ${row.last_analyze ?? 'never'}`,
    },
  ];
}

export function tableMaintenance<K extends TableCommand>(spec: TableMaintenance<K>): Fix {
  return defineFix({
    command: spec.command,
    data: tableData,
    async plan({ args, services }) {
      const target = postgresOf(services);
      const table = await resolveRelation(
        target,
        args.table,
        spec.kinds,
        'table',
        services.config.OATIE_PLATFORM_SCHEMA,
      );
      const statement = await statementFor(target, table.oid, spec.template);
      if (statement === undefined) throw new Error('the table vanished while planning');
      return {
        summary: `${spec.verb} ${table.qualified}.`,
        statement,
        target: target.description,
        facts: await tableFacts(target, table.oid),
        data: { table, statement },
      };
    },
    async recheck(plan, { services }) {
      const target = postgresOf(services);
      const same = await relationUnchanged(target, plan.data.table);
      if (!same.ok) return same;
      const statement = await statementFor(target, plan.data.table.oid, spec.template);
      return statement === plan.data.statement
        ? { ok: true }
        : { ok: false, reason: 'the statement would differ from the one approved.' };
    },
    async execute(plan, { services }) {
      const run = spec.inTransaction ? runInTransaction : runOutsideTransaction;
      const outcome = await postgresOf(services).session((s) => run(s, plan.data.table, spec.template), {
        timeoutMs: services.config.OATIE_FIX_TIMEOUT_MS,
      });
      if (isChanged(outcome)) return nothingRan(outcome);
      const took = `${outcome.statement} finished in ${elapsed(outcome.ms)}.`;
      const moved = changeOf(plan.data.table, outcome.after);
      if (moved === undefined) return { ok: true, summary: took };
      // Only outside a transaction: the name was resolved again by the statement itself.
      return {
        ok: false,
        summary: `${took} But ${moved} It may have reached the table that took its name while it started (it changes no rows).`,
      };
    },
  });
}
