// Reads a query text the way Postgres's lexer splits it (scan.l), without parsing it: how many
// statements it holds, its words outside strings and comments, and whether it has `$n` placeholders.
// `db explain` uses it to refuse anything but one read query before the text goes near EXPLAIN.
import { skipTrivia } from './sql-password-mask.js';

export type SqlToken =
  | { kind: 'word'; text: string; start: number; end: number }
  | { kind: 'param' | 'literal' | 'symbol'; text: string; start: number; end: number };

export interface SqlStatements {
  /** The statements' tokens, empty statements (`;;`, a trailing `;`) left out. */
  statements: SqlToken[][];
  /** A string, quoted name or dollar quote that never closes: the text was probably cut. */
  unterminated: boolean;
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/;
const WORD_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const DOLLAR_TAG = /^\$([A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$/;

/** Index after a quoted run opened at `from` (the opening quote): a doubled quote stays inside, and
 * with `backslash` (E'…') a backslash escapes the next character. -1 when it never closes. */
function closeQuote(text: string, from: number, quote: string, backslash: boolean): number {
  let i = from + 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (backslash && c === '\\') i += 2;
    else if (c === quote && text.charAt(i + 1) === quote) i += 2;
    else if (c === quote) return i + 1;
    else i += 1;
  }
  return -1;
}

/** The token starting at `i` (not whitespace or a comment), or undefined when it never closes. */
function tokenAt(text: string, i: number): SqlToken | undefined {
  const c = text.charAt(i);
  const quoted = (end: number, kind: 'literal' | 'word'): SqlToken | undefined =>
    end < 0 ? undefined : { kind, text: text.slice(i, end), start: i, end };
  const prefix = /^(?:[EeNnBbXx]|[Uu]&)'/.exec(text.slice(i, i + 3));
  if (prefix) {
    const open = i + prefix[0].length - 1;
    return quoted(closeQuote(text, open, "'", /^[Ee]/.test(prefix[0])), 'literal');
  }
  if (c === "'") return quoted(closeQuote(text, i, "'", false), 'literal');
  // A quoted name is a word, but never a keyword: its text keeps its quotes.
  if (c === '"') return quoted(closeQuote(text, i, '"', false), 'word');
  if (c === '$') {
    const param = /^\$\d+/.exec(text.slice(i));
    if (param) return { kind: 'param', text: param[0], start: i, end: i + param[0].length };
    const tag = DOLLAR_TAG.exec(text.slice(i));
    if (tag) {
      const close = text.indexOf(tag[0], i + tag[0].length);
      return quoted(close < 0 ? -1 : close + tag[0].length, 'literal');
    }
  }
  if (WORD_START.test(c)) {
    let end = i + 1;
    while (end < text.length && WORD_CHAR.test(text.charAt(end))) end += 1;
    return { kind: 'word', text: text.slice(i, end).toLowerCase(), start: i, end };
  }
  return { kind: 'symbol', text: c, start: i, end: i + 1 };
}

/** The statements of `text`, split at semicolons outside strings, quoted names and comments. */
export function splitStatements(text: string): SqlStatements {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  for (let i = skipTrivia(text, 0); i < text.length;) {
    const token = tokenAt(text, i);
    if (!token) {
      if (current.length > 0) statements.push(current);
      return { statements, unterminated: true };
    }
    if (token.kind === 'symbol' && token.text === ';') {
      if (current.length > 0) statements.push(current);
      current = [];
    } else current.push(token);
    i = skipTrivia(text, token.end);
  }
  if (current.length > 0) statements.push(current);
  return { statements, unterminated: false };
}
