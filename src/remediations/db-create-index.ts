// `db create-index <table> <col,...>`: CREATE INDEX CONCURRENTLY idx_<table>_<cols> on existing
// columns. The card shows the build's phase and whom it waits for; the whole build (its waits for
// older transactions included) is bounded by policy fixes.createIndexTimeout. A failed or abandoned
// concurrent build leaves an INVALID index behind; that index — the one this build made, by oid, never
// an older one of the same name — is dropped and reported.
import { z } from 'zod';
import { conflict, badArgument, describeError, ErrorCode, isOpsError } from '../core/errors.js';
import { failureText, sqlStateOf } from './failure-text.js';
import type { Queryable, SqlTarget } from '../targets/targets.js';
import { elapsed } from './elapsed.js';
import { describeProgress, watchBuild, type BuildProgress } from './index-build-progress.js';
import { formatDuration } from '../core/duration.js';
import { relation, relationNow, relationUnchanged, resolveRelation, type Relation } from './pg-relations.js';
import { defineFix, type FixResult, type Recheck } from './remediation.js';
import {
  DROP_INDEX_CONCURRENTLY,
  isChanged,
  nothingRan,
  runOutsideTransaction,
  type Changed,
} from './run-on-relation.js';
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
  target: Queryable,
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
async function existing(target: Queryable, table: Relation, name: string) {
  const [row] = await rowsOf(
    target,
    `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
            format('%I.%I', n.nspname, c.relname) AS qualified, i.indisvalid AS valid, i.indrelid::text AS table_oid
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index i ON i.indexrelid = c.oid
      WHERE n.nspname = $1 AND c.relname = $2`,
    [table.schema, name],
    relation.extend({ valid: z.boolean().nullable(), table_oid: z.string().nullable() }),
  );
  return row;
}

async function createStatement(
  target: Queryable,
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

async function stillPossible(target: Queryable, data: CreateData): Promise<Recheck> {
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

/** How the build on its own session ended. */
interface Build {
  /** Its last progress report (with the oid of the index it builds), if one was seen. */
  last: BuildProgress | undefined;
  error?: unknown;
}

/** The index this build made, if any: the oid its session reported building or, when the build failed
 * before a report, the index of that name on the table — which the check right before the build, on
 * the same session, did not see — unless the build failed because the name was taken. */
async function ownIndex(target: Queryable, data: CreateData, build: Build): Promise<Relation | undefined> {
  const seen = build.last?.index_relid;
  if (seen !== undefined && seen !== '0') return relationNow(target, seen);
  if (sqlStateOf(build.error) === '42P07') return undefined;
  const left = await existing(target, data.table, data.index);
  return left?.table_oid === data.table.oid ? left : undefined;
}

async function stillInvalid(target: Queryable, index: Relation): Promise<string | undefined> {
  const [row] = await rowsOf(
    target,
    'SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = $1::oid',
    [index.oid],
    z.object({ valid: z.boolean() }),
  );
  return row?.valid === false ? undefined : `${index.qualified} is not INVALID any more.`;
}

/** Drops the INVALID index the failed build left, by its oid; says what happened, or why not. */
async function dropOwnIndex(
  target: SqlTarget,
  index: Relation,
  timeoutMs: number,
): Promise<string | undefined> {
  try {
    const outcome = await target.session(
      (s) => runOutsideTransaction(s, index, DROP_INDEX_CONCURRENTLY, stillInvalid),
      { timeoutMs },
    );
    if (isChanged(outcome)) return outcome.changed;
    return outcome.after && `It is still there as ${outcome.after.qualified}.`;
  } catch (error) {
    return isOpsError(error) ? error.message : describeError(error);
  }
}

/** After a failed build: drop the INVALID index it left — only that one — and say exactly what happened. */
async function cleanUp(
  target: SqlTarget,
  data: CreateData,
  build: Build,
  failure: string,
  timeoutMs: number,
): Promise<FixResult> {
  const ours = await ownIndex(target, data, build);
  if (!ours) {
    const other = await existing(target, data.table, data.index);
    const left = other
      ? ` ${other.qualified}${other.valid === false ? ' (INVALID)' : ''}, which this build did not make, was left as it is.`
      : '';
    return {
      ok: false,
      summary: `CREATE INDEX CONCURRENTLY failed: ${failure} It left no index behind.${left}`,
    };
  }
  const left = `CREATE INDEX CONCURRENTLY failed: ${failure} It left the INVALID index ${ours.qualified}`;
  const notDropped = await dropOwnIndex(target, ours, timeoutMs);
  if (notDropped === undefined) {
    return {
      ok: false,
      summary: `${left}, which was dropped.`,
      output: `DROP INDEX CONCURRENTLY IF EXISTS ${ours.qualified}`,
    };
  }
  return {
    ok: false,
    summary: `${left}, and dropping it failed too: ${notDropped} Drop it with \`db drop-index ${ours.qualified}\`.`,
  };
}

/** Why the build failed, as the card says it. */
function buildFailure(error: unknown, last: BuildProgress | undefined, timeoutMs: number): string {
  let failure = failureText(error);
  if (failure.endsWith('.')) failure = failure.slice(0, -1);
  const phase = last ? `; last seen: ${describeProgress(last)}` : '';
  // statement_timeout and lock_timeout (waiting for older transactions) both end it as a timeout.
  return isOpsError(error) && error.code === ErrorCode.Timeout
    ? `It gave up within its limit of ${formatDuration(timeoutMs)} (policy fixes.createIndexTimeout, OATIE_FIX_TIMEOUT_MS)${phase}. ${failure}.`
    : `${failure}${phase}.`;
}

/** On one session: the check right before the build, then the build, watched on the pool. */
async function build(
  target: SqlTarget,
  data: CreateData,
  timeoutMs: number,
  report: (text: string) => Promise<void>,
): Promise<Changed | Build> {
  return target.session(
    async (s) => {
      const check = await stillPossible(s, data);
      if (!check.ok) return { changed: check.reason };
      const running = s.query(data.statement);
      const last = await watchBuild(target, data.table.oid, s.pid, running, report);
      try {
        await running;
        return { last };
      } catch (error) {
        return { last, error };
      }
    },
    { timeoutMs },
  );
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
    const timeoutMs = Math.min(
      services.config.OATIE_FIX_TIMEOUT_MS,
      services.policy.fixes.createIndexTimeout,
    );
    const started = Date.now();
    const ended = await build(target, plan.data, timeoutMs, progress ?? (() => Promise.resolve()));
    if (isChanged(ended)) return nothingRan(ended);
    if ('error' in ended) {
      const failure = buildFailure(ended.error, ended.last, timeoutMs);
      return cleanUp(target, plan.data, ended, failure, services.config.OATIE_FIX_TIMEOUT_MS);
    }
    const made = await existing(target, plan.data.table, plan.data.index);
    const state = made?.valid === false ? 'INVALID' : 'valid';
    const summary = `Index ${made?.qualified ?? plan.data.index} created (${state}) in ${elapsed(Date.now() - started)}.`;
    // The table was named from its oid just before the build; a rename-swap in that round trip would
    // have built the index on another table.
    if (made && made.table_oid !== plan.data.table.oid) {
      const now = await relationNow(target, plan.data.table.oid);
      return {
        ok: false,
        summary: `${summary} But it is not on the approved table ${plan.data.table.qualified}${now ? `, now named ${now.qualified}` : ''}: that table was renamed while the build started.`,
      };
    }
    return { ok: made?.valid === true, summary };
  },
});
