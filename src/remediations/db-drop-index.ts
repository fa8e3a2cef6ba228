// `db drop-index <index>`: DROP INDEX CONCURRENTLY IF EXISTS an index that enforces nothing — never a
// primary key, a unique index or an index behind a constraint.
import { z } from 'zod';
import { badArgument } from '../core/errors.js';
import type { Queryable } from '../targets/targets.js';
import { elapsed } from './elapsed.js';
import { relation, relationUnchanged, resolveRelation, statementFor, type Relation } from './pg-relations.js';
import { defineFix } from './remediation.js';
import { postgresOf } from '../targets/require-target.js';
import {
  DROP_INDEX_CONCURRENTLY as TEMPLATE,
  isChanged,
  nothingRan,
  runOutsideTransaction,
} from './run-on-relation.js';
import { rowsOf } from './sql-rows.js';

const dropData = z.object({ index: relation, statement: z.string() });

const indexRow = z.object({
  primary: z.boolean(),
  unique: z.boolean(),
  valid: z.boolean(),
  constraint: z.string().nullable(),
  definition: z.string(),
  table: z.string(),
  size: z.string(),
  scans: z.string(),
});

async function describeIndex(target: Queryable, index: Relation) {
  const [row] = await rowsOf(
    target,
    `SELECT i.indisprimary AS primary, i.indisunique AS unique, i.indisvalid AS valid,
            (SELECT conname FROM pg_constraint WHERE conindid = i.indexrelid LIMIT 1) AS constraint,
            pg_get_indexdef(i.indexrelid) AS definition, i.indrelid::regclass::text AS table,
            pg_size_pretty(pg_relation_size(i.indexrelid)) AS size,
            coalesce((SELECT idx_scan FROM pg_stat_all_indexes s WHERE s.indexrelid = i.indexrelid), 0)::text AS scans
       FROM pg_index i WHERE i.indexrelid = $1::oid`,
    [index.oid],
    indexRow,
  );
  if (!row) throw new Error('the index vanished while planning');
  return row;
}

/** Why the index may not be dropped now, if it enforces something. */
async function enforcesNow(target: Queryable, index: Relation): Promise<string | undefined> {
  const reason = enforces(await describeIndex(target, index));
  return reason === undefined ? undefined : `${index.qualified} now enforces something: ${reason}.`;
}

/** What the index enforces, if anything: the reason it must not be dropped from chat. */
function enforces(row: z.infer<typeof indexRow>): string | undefined {
  if (row.primary) return 'it is the primary key';
  if (row.constraint !== null) return `it backs the constraint ${row.constraint}`;
  if (row.unique) return 'it is unique: dropping it would stop enforcing uniqueness';
  return undefined;
}

export const dbDropIndex = defineFix({
  command: 'db drop-index',
  risk: 'high',
  data: dropData,
  async plan({ args, services }) {
    const target = postgresOf(services);
    const index = await resolveRelation(
      target,
      args.index,
      ['i'],
      'index',
      services.config.OATIE_PLATFORM_SCHEMA,
    );
    const row = await describeIndex(target, index);
    const reason = enforces(row);
    if (reason !== undefined) throw badArgument(`${index.qualified} cannot be dropped from chat: ${reason}.`);
    const statement = await statementFor(target, index.oid, TEMPLATE);
    if (statement === undefined) throw new Error('the index vanished while planning');
    return {
      summary: `Drop the index ${index.qualified} of ${row.table} without blocking writes.`,
      statement,
      target: target.description,
      facts: [
        { label: 'Definition', value: row.definition },
        {
          label: 'Size and use',
          value: `${row.size}, ${row.scans} scan(s) since statistics were reset${row.valid ? '' : ' (INVALID)'}`,
        },
      ],
      data: { index, statement },
    };
  },
  async recheck(plan, { services }) {
    const target = postgresOf(services);
    const same = await relationUnchanged(target, plan.data.index);
    if (!same.ok) return same;
    const reason = await enforcesNow(target, plan.data.index);
    return reason === undefined ? { ok: true } : { ok: false, reason };
  },
  // DROP INDEX CONCURRENTLY cannot run in a transaction, and a plain DROP INDEX would hold an
  // ACCESS EXCLUSIVE lock on the table, queueing every reader behind it: the name is resolved from
  // the oid on the dropping session, checked again, and the oid must be gone afterwards (see
  // runOutsideTransaction for the round trip that stays open; Postgres itself refuses to drop an
  // index behind a primary key or constraint, whatever name it has then).
  async execute(plan, { services }) {
    const planned = plan.data.index;
    const outcome = await postgresOf(services).session(
      (s) => runOutsideTransaction(s, planned, TEMPLATE, enforcesNow),
      { timeoutMs: services.config.OATIE_FIX_TIMEOUT_MS },
    );
    if (isChanged(outcome)) return nothingRan(outcome);
    const took = elapsed(outcome.ms);
    if (outcome.after === undefined)
      return { ok: true, summary: `Index ${planned.qualified} dropped in ${took}.` };
    return {
      ok: false,
      summary: `${outcome.statement} ran in ${took}, but the approved index is still there as ${outcome.after.qualified}: it was renamed while the drop started, which reached whatever index had the name ${planned.qualified} then, if any.`,
    };
  },
});
