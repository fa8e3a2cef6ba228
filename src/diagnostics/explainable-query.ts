// Which query texts `db explain` agrees to plan: exactly one read query (SELECT, or WITH … SELECT),
// nothing that writes. Plain EXPLAIN runs nothing, but the planner may evaluate functions, and the
// text comes from other people's sessions: refuse what is not plainly a read.
import { splitStatements, type SqlToken } from '../core/sql-statement.js';

export type Explainable =
  | {
      ok: true;
      /** The statement alone: from its first token to its last (no trailing `;` or comment). */
      body: string;
      /** `$1`, `$2`…: a normalised (pg_stat_statements) or parameterised text, without its values. */
      placeholders: boolean;
    }
  | { ok: false; why: string };

/** Words that make a statement write, or create a table (SELECT … INTO). */
const WRITING = new Set(['insert', 'update', 'delete', 'merge', 'into', 'truncate', 'copy']);

/** The first word that writes; UPDATE in a locking clause (FOR UPDATE, FOR NO KEY UPDATE) reads. */
function writingWord(tokens: readonly SqlToken[]): string | undefined {
  const words = tokens.filter((t) => t.kind === 'word').map((t) => t.text);
  return words.find(
    (w, i) => WRITING.has(w) && !(w === 'update' && (words[i - 1] === 'for' || words[i - 1] === 'key')),
  );
}

export function explainable(text: string): Explainable {
  const { statements, unterminated } = splitStatements(text);
  if (unterminated)
    return {
      ok: false,
      why: 'the text ends inside a string, quoted name or dollar quote: it was cut (pg_stat_activity keeps only track_activity_query_size bytes of a query)',
    };
  const [tokens, ...others] = statements;
  if (!tokens) return { ok: false, why: 'the text holds no statement' };
  if (others.length > 0)
    return {
      ok: false,
      why: `the text holds ${statements.length} statements; only a single query is planned`,
    };
  const first = tokens.find((t) => t.text !== '(');
  if (first?.kind !== 'word' || (first.text !== 'select' && first.text !== 'with'))
    return {
      ok: false,
      why: `it is not a read query (it starts with ${first ? first.text.toUpperCase() : '('}): only SELECT and WITH … SELECT are planned`,
    };
  const writes = writingWord(tokens);
  if (writes !== undefined)
    return {
      ok: false,
      why: `it contains ${writes.toUpperCase()}: a query that writes (or SELECT … INTO, which creates a table) is not planned`,
    };
  // A statement is never empty (splitStatements leaves those out), so `first` is its first token or
  // a parenthesis before it.
  const start = tokens[0]?.start ?? 0;
  const end = tokens[tokens.length - 1]?.end ?? text.length;
  return {
    ok: true,
    body: text.slice(start, end),
    placeholders: tokens.some((t) => t.kind === 'param'),
  };
}
