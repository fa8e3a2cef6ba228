// Tables and indexes named in chat, resolved in the catalog (to_regclass on a bound parameter) and
// named back by the database itself (format('%I.%I')); fixes never touch system schemas.
import { z } from 'zod';
import { badArgument, notFound } from '../core/errors.js';
import type { Queryable, SqlTarget } from '../targets/targets.js';
import type { Recheck } from './remediation.js';
import { rowsOf } from './sql-rows.js';

export const relation = z.object({
  oid: z.string(),
  schema: z.string(),
  name: z.string(),
  kind: z.string(),
  /** schema.name, quoted by the database where needed. */
  qualified: z.string(),
});
export type Relation = z.infer<typeof relation>;

const KIND_WORDS: Record<string, string> = {
  r: 'table',
  p: 'partitioned table',
  m: 'materialized view',
  v: 'view',
  i: 'index',
  I: 'partitioned index',
  S: 'sequence',
  f: 'foreign table',
  c: 'composite type',
  t: 'TOAST table',
};

export const kindWord = (kind: string): string => KIND_WORDS[kind] ?? 'relation';

const RELATION_SQL = `SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
       format('%I.%I', n.nspname, c.relname) AS qualified
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace`;

const withArticle = (noun: string): string => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;

const isSystemSchema = (schema: string): boolean =>
  schema.startsWith('pg_') || schema === 'information_schema';

/** `schema.name` or `name` as typed (already a validated identifier) split into its parts: quoted parts
 * lose their quotes ("" is one "), plain parts are taken exactly, case included — a chat user who types
 * Audit means the table shown as "Audit", not Postgres's folded audit. */
export function nameParts(typed: string): string[] {
  const parts: string[] = [];
  let i = 0;
  while (i < typed.length) {
    if (typed.charAt(i) === '"') {
      let part = '';
      i += 1;
      while (i < typed.length) {
        if (typed.startsWith('""', i)) {
          part += '"';
          i += 2;
        } else if (typed.charAt(i) === '"') {
          i += 1;
          break;
        } else {
          part += typed.charAt(i);
          i += 1;
        }
      }
      parts.push(part);
    } else {
      const end = typed.indexOf('.', i);
      parts.push(typed.slice(i, end < 0 ? typed.length : end));
      i = end < 0 ? typed.length : end;
    }
    if (typed.charAt(i) === '.') i += 1;
  }
  return parts;
}

/** The relation `name` (as typed, already a validated identifier) if it is one of `kinds`. Without a
 * schema it is looked up in `defaultSchema` (OATIE_PLATFORM_SCHEMA), never through search_path. */
export async function resolveRelation(
  target: SqlTarget,
  name: string,
  kinds: readonly string[],
  expected: string,
  defaultSchema: string,
): Promise<Relation> {
  const parts = nameParts(name);
  const schema = parts.length === 2 ? (parts[0] ?? '') : defaultSchema;
  const relname = parts.at(-1) ?? '';
  const [found] = await rowsOf(
    target,
    `${RELATION_SQL} WHERE n.nspname = $1 AND c.relname = $2`,
    [schema, relname],
    relation,
  );
  if (!found) throw notFound(await notFoundText(target, { schema, relname, expected }));
  if (isSystemSchema(found.schema)) {
    throw badArgument(
      `${found.qualified} is in the system schema ${found.schema}; fixes only touch the application's objects.`,
    );
  }
  if (!kinds.includes(found.kind)) {
    throw badArgument(
      `${found.qualified} is ${withArticle(kindWord(found.kind))}, not ${withArticle(expected)}.`,
    );
  }
  return found;
}

/** "There is no table …", with the names that differ only in case, if any (names are exact here). */
async function notFoundText(
  target: SqlTarget,
  wanted: { schema: string; relname: string; expected: string },
): Promise<string> {
  const near = await rowsOf(
    target,
    `${RELATION_SQL} WHERE lower(n.nspname) = lower($1) AND lower(c.relname) = lower($2) ORDER BY 5 LIMIT 5`,
    [wanted.schema, wanted.relname],
    relation,
  );
  const shown = await rowsOf(
    target,
    `SELECT format('%I.%I', $1::text, $2::text) AS q`,
    [wanted.schema, wanted.relname],
    z.object({ q: z.string() }),
  );
  const hint =
    near.length > 0
      ? ` Names are exact, case included: did you mean ${near.map((r) => r.qualified).join(' or ')}?`
      : '';
  return `There is no ${wanted.expected} ${shown[0]?.q ?? wanted.relname} in ${target.description}.${hint}`;
}

/** The relation with this oid now, as the catalog names it; undefined once it is gone. */
export async function relationNow(target: Queryable, oid: string): Promise<Relation | undefined> {
  const [now] = await rowsOf(target, `${RELATION_SQL} WHERE c.oid = $1::oid`, [oid], relation);
  return now;
}

/** Why `now` (the planned oid as the catalog has it now) is not the relation approved, if it is not. */
export function changeOf(planned: Relation, now: Relation | undefined): string | undefined {
  if (!now) return `${planned.qualified} no longer exists.`;
  if (now.qualified !== planned.qualified)
    return `${planned.qualified} has been renamed to ${now.qualified}.`;
  return undefined;
}

/** Whether the relation resolved at plan time is still there under the same name. */
export async function relationUnchanged(target: Queryable, planned: Relation): Promise<Recheck> {
  const reason = changeOf(planned, await relationNow(target, planned.oid));
  return reason === undefined ? { ok: true } : { ok: false, reason };
}

/** A statement about one relation, written by the database: `template` is a constant with two %I. */
export async function statementFor(
  target: Queryable,
  oid: string,
  template: string,
): Promise<string | undefined> {
  const rows = await rowsOf(
    target,
    `SELECT format($2, n.nspname, c.relname) AS statement
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = $1::oid`,
    [oid, template],
    z.object({ statement: z.string() }),
  );
  return rows[0]?.statement;
}
