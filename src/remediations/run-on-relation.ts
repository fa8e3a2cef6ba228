// Running an approved statement on the relation approved — the one with the planned oid — not on
// whatever carries its name when the statement starts. The name is resolved from the oid on the
// session that runs the statement, in the same transaction where Postgres allows one, and what the
// statement acted on is checked afterwards.
import { z } from 'zod';
import type { Queryable, SqlSession } from '../targets/targets.js';
import { changeOf, relationNow, statementFor, type Relation } from './pg-relations.js';
import type { FixResult } from './remediation.js';
import { rowsOf } from './sql-rows.js';

/** Drops one index without blocking writes; its name is written by the database from its oid. */
export const DROP_INDEX_CONCURRENTLY = 'DROP INDEX CONCURRENTLY IF EXISTS %I.%I';

/** Nothing ran (or what ran was rolled back): the approved relation is not what the name leads to. */
export interface Changed {
  changed: string;
}

export interface Ran {
  statement: string;
  ms: number;
  /** The approved oid as the catalog has it after the run (undefined: it is gone). */
  after: Relation | undefined;
}

/** A check of the approved relation as it is now, on the running session: why not to run, if any. */
export type Guard = (session: Queryable, now: Relation) => Promise<string | undefined>;

export const isChanged = (outcome: object): outcome is Changed => 'changed' in outcome;

/** The answer when nothing ran because the object changed (the card says "Nothing ran: …"). */
export const nothingRan = (outcome: Changed): FixResult => ({
  ok: false,
  summary: outcome.changed,
  changed: outcome.changed,
});

/** The oid the qualified name leads to now (to_regclass never uses search_path for a qualified name). */
async function oidNamed(session: Queryable, qualified: string): Promise<string | undefined> {
  const [row] = await rowsOf(
    session,
    'SELECT to_regclass($1)::oid::text AS oid',
    [qualified],
    z.object({ oid: z.string().nullable() }),
  );
  return row?.oid ?? undefined;
}

/** The approved relation under its name now, checked by `guard`, and the statement the database
 * writes for that name — or why nothing may run. */
async function prepare(
  session: Queryable,
  planned: Relation,
  template: string,
  guard?: Guard,
): Promise<Changed | { statement: string; now: Relation }> {
  const now = await relationNow(session, planned.oid);
  const moved = changeOf(planned, now);
  if (moved !== undefined || !now) return { changed: moved ?? `${planned.qualified} no longer exists.` };
  const refused = guard ? await guard(session, now) : undefined;
  if (refused !== undefined) return { changed: refused };
  const statement = await statementFor(session, planned.oid, template);
  if (statement === undefined) return { changed: `${planned.qualified} no longer exists.` };
  return { statement, now };
}

/**
 * For a statement Postgres runs in a transaction and that leaves the relation in place (ANALYZE,
 * REINDEX without CONCURRENTLY): in one transaction, resolve the name from the oid, run the statement written from
 * it, then check that the name still leads to the oid. The statement holds its lock on the relation
 * it acted on until COMMIT, and a rename needs a lock that conflicts with it, so that check speaks
 * for the relation acted on; if it was another one (renamed in before the statement's lock), the
 * transaction is rolled back and nothing it did remains.
 */
export async function runInTransaction(
  session: SqlSession,
  planned: Relation,
  template: string,
  guard?: Guard,
): Promise<Changed | Ran> {
  await session.query('BEGIN');
  try {
    const ready = await prepare(session, planned, template, guard);
    if (isChanged(ready)) {
      await session.query('ROLLBACK');
      return ready;
    }
    const started = Date.now();
    await session.query(ready.statement);
    const ms = Date.now() - started;
    if ((await oidNamed(session, ready.now.qualified)) !== planned.oid) {
      await session.query('ROLLBACK');
      const after = await relationNow(session, planned.oid);
      return {
        changed: `${changeOf(planned, after) ?? `${planned.qualified} was swapped with another relation.`} The statement reached another relation of that name; it was rolled back.`,
      };
    }
    await session.query('COMMIT');
    return { statement: ready.statement, ms, after: ready.now };
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * For a statement Postgres forbids in a transaction (VACUUM, CONCURRENTLY): resolve the name from the
 * oid on the session that runs it, immediately before it, and return the oid as the catalog has it
 * after the run, for the caller to check what the statement acted on. What remains open is one round
 * trip on this session: a rename-swap between the catalog read and the statement taking its lock
 * would reach the other relation. No lock can close it: the lock that would stop a rename conflicts
 * with these statements too. The check afterwards says when it may have happened.
 */
export async function runOutsideTransaction(
  session: SqlSession,
  planned: Relation,
  template: string,
  guard?: Guard,
): Promise<Changed | Ran> {
  const ready = await prepare(session, planned, template, guard);
  if (isChanged(ready)) return ready;
  const started = Date.now();
  await session.query(ready.statement);
  const ms = Date.now() - started;
  return { statement: ready.statement, ms, after: await relationNow(session, planned.oid) };
}
