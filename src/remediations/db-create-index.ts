// `db create-index <table> <col,...>`: CREATE INDEX CONCURRENTLY idx_<table>_<cols> on existing
// columns. The card shows the build's phase and whom it waits for; the whole build (its waits for
// older transactions included) is bounded by policy fixes.createIndexTimeout. A failed or abandoned
// concurrent build leaves an INVALID index behind; it is dropped and reported.
import { z } from 'zod';
import { conflict, badArgument, describeError, ErrorCode, isOpsError } from '../core/errors.js';
import { failureText } from './failure-text.js';
import type { SqlTarget } from '../targets/targets.js';
import { elapsed } from './elapsed.js';
import { describeProgress, watchBuild } from './index-build-progress.js';
import { formatDuration } from '../core/duration.js';
import { relation, relationUnchanged, resolveRelation, type Relation } from './pg-relations.js';
import { defineFix, type FixResult, type Recheck } from './remediation.js';
import { postgresOf } from '../targets/require-target.js';
import { rowsOf } from './sql-rows.js';

/** Postgres keeps 63 bytes of an identifier (NAMEDATALEN - 1). */
const MAX_IDENTIFIER_BYTES = 63;

const createData = z.object({
  table: relation,
  columns: z.array(z.string()),
  index: z.string(),
  statement: z.string(),
});
type CreateData = z.infer<typeof createData>;

/** idx_<table>_<col>_<col>, cut to what Postgres would keep, without splitting a character. */
export function indexName(table: string, columns: readonly string[]): string {
  let name = `idx_${table}_${columns.join('_')}`;
  while (Buffer.byteLength(name, 'utf8') > MAX_IDENTIFIER_BYTES) name = name.slice(0, -1);
  return name;
}

/** The columns as the catalog names them, in the order typed; refuses any that does not exist. */
async function resolveColumns(
  target: SqlTarget,
  table: Relation,
  typed: readonly string[],
): Promise<string[]> {
  // Unquoted identifiers fold to lower case in SQL; so do the names typed here.
  const wanted = typed.map((c) => c.toLowerCase());
  const rows = await rowsOf(
    target,
    `SELECT u.name, a.attname AS found
       FROM unnest($2::text[]) WITH ORDINALITY AS u(name, ord)
       LEFT JOIN pg_attribute a ON a.attrelid = $1::oid AND a.attname = u.name AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY u.ord`,
    [table.oid, wanted],
    z.object({ name: z.string(), found: z.string().nullable() }),
  );
  const missing = rows.filter((r) => r.found === null).map((r) => r.name);
  if (missing.length > 0) throw badArgument(`${table.qualified} has no column ${missing.join(', ')}.`);
  return rows.map((r) => r.found ?? r.name);
}

/** The relation called `name` in the table's schema, if any (indexes share the namespace with tables). */
async function existing(target: SqlTarget, table: Relation, name: string) {
  const [row] = await rowsOf(
    target,
    `SELECT format('%I.%I', n.nspname, c.relname) AS qualified, c.relkind::text AS kind, i.indisvalid AS valid
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
      WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, name],
    z.object({ qualified: z.string(), kind: z.string(), valid: z.boolean().nullable() }),
  );
  return row;
}

async function createStatement(
  target: SqlTarget,
  table: Relation,
  index: string,
  columns: readonly string[],
): Promise<string> {
  const [row] = await rowsOf(
    target,
    `SELECT format('CREATE INDEX CONCURRENTLY %I ON %I.%I (%s)', $2::text, n.nspname, c.relname,
                   (SELECT string_agg(format('%I', col), ', ' ORDER BY ord) FROM unnest($3::text[]) WITH ORDINALITY AS u(col, ord))) AS statement
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid`,
    [table.oid, index, columns],
    z.object({ statement: z.string() }),
  );
  if (!row) throw new Error('the table vanished while planning');
  return row.statement;
}

async function stillPossible(target: SqlTarget, data: CreateData): Promise<Recheck> {
  const same = await relationUnchanged(target, data.table);
  if (!same.ok) return same;
  const taken = await existing(target, data.table, data.index);
  if (taken) return { ok: false, reason: `${taken.qualified} exists now.` };
  const columns = await resolveColumns(target, data.table, data.columns).catch((e: unknown) =>
    isOpsError(e) ? e.message : describeError(e),
  );
  if (typeof columns === 'string') return { ok: false, reason: columns };
  const statement = await createStatement(target, data.table, data.index, columns);
  return statement === data.statement
    ? { ok: true }
    : { ok: false, reason: 'the statement would differ from the one approved.' };
}

/** After a failed build: drop the INVALID index it left, and say exactly what happened. */
async function cleanUp(
  target: SqlTarget,
  data: CreateData,
  failure: string,
  timeoutMs: number,
): Promise<FixResult> {
  const left = await existing(target, data.table, data.index);
  if (!left || left.kind !== 'i' || left.valid !== false) {
    return { ok: false, summary: `CREATE INDEX CONCURRENTLY failed: ${failure} It left no index behind.` };
  }
  const drop = `DROP INDEX CONCURRENTLY IF EXISTS ${left.qualified}`;
  try {
    await target.maintenance(drop, { timeoutMs });
    return {
      ok: false,
      summary: `CREATE INDEX CONCURRENTLY failed: ${failure} It left the INVALID index ${left.qualified}, which was dropped.`,
      output: drop,
    };
  } catch (error) {
    const why = isOpsError(error) ? error.message : describeError(error);
    return {
      ok: false,
      summary: `CREATE INDEX CONCURRENTLY failed: ${failure} It left the INVALID index ${left.qualified}, and dropping it failed too: ${why} Drop it with \`db drop-index ${left.qualified}\`.`,
    };
  }
}

export const dbCreateIndex = defineFix({
  command: 'db create-index',
  risk: 'medium',
  data: createData,
  async plan({ args, services }) {
    const target = postgresOf(services);
    const table = await resolveRelation(
      target,
      args.table,
      ['r', 'm'],
      'table',
      services.config.OATIE_PLATFORM_SCHEMA,
    );
    const columns = await resolveColumns(target, table, args.columns);
    const index = indexName(table.name, columns);
    const taken = await existing(target, table, index);
    if (taken)
      throw conflict(
        `${taken.qualified} already exists${taken.valid === false ? ' (INVALID: drop it first)' : ''}.`,
      );
    const statement = await createStatement(target, table, index, columns);
    return {
      summary: `Create the index ${index} on ${table.qualified} (${columns.join(', ')}) without blocking writes.`,
      statement,
      target: target.description,
      facts: [
        {
          label: 'Bounded',
          value: `gives up after ${formatDuration(Math.min(services.config.OATIE_FIX_TIMEOUT_MS, services.policy.fixes.createIndexTimeout))}, waits for older transactions included; the card shows the build's phase and whom it waits for`,
        },
        {
          label: 'If it fails',
          value: 'the INVALID index a failed concurrent build leaves is dropped, and the card says so',
        },
      ],
      data: { table, columns, index, statement },
    };
  },
  recheck: (plan, { services }) => stillPossible(postgresOf(services), plan.data),
  async execute(plan, { services, progress }) {
    const target = postgresOf(services);
    const limit = services.policy.fixes.createIndexTimeout;
    const timeoutMs = Math.min(services.config.OATIE_FIX_TIMEOUT_MS, limit);
    const started = Date.now();
    const build = target.maintenance(plan.data.statement, { timeoutMs });
    const last = await watchBuild(target, plan.data.table.oid, build, progress ?? (() => Promise.resolve()));
    try {
      await build;
    } catch (error) {
      let failure = failureText(error);
      if (failure.endsWith('.')) failure = failure.slice(0, -1);
      const phase = last ? `; last seen: ${describeProgress(last)}` : '';
      // statement_timeout and lock_timeout (waiting for older transactions) both end it as a timeout.
      const gaveUp =
        isOpsError(error) && error.code === ErrorCode.Timeout
          ? `It gave up within its limit of ${formatDuration(timeoutMs)} (policy fixes.createIndexTimeout, OATIE_FIX_TIMEOUT_MS)${phase}. ${failure}.`
          : `${failure}${phase}.`;
      return cleanUp(target, plan.data, gaveUp, services.config.OATIE_FIX_TIMEOUT_MS);
    }
    const made = await existing(target, plan.data.table, plan.data.index);
    const state = made?.valid === false ? 'INVALID' : 'valid';
    return {
      ok: made?.valid === true,
      summary: `Index ${made?.qualified ?? plan.data.index} created (${state}) in ${elapsed(Date.now() - started)}.`,
    };
  },
});
