// Hides the password literal of `CREATE/ALTER ROLE … [ENCRYPTED] PASSWORD <literal>` in any spelling
// Postgres's lexer accepts (scan.l): the keyword in any case, then any whitespace and comments
// (`-- …` to the end of the line, `/* … */` nested), then a literal with or without a space before
// it: '…', E'…', U&'…', N'…', B'…', X'…', $tag$…$tag$. Quoting can nest ('' inside a string,
// EXECUTE '… PASSWORD ''x''') and query text is often cut, so everything from the literal to the
// end of the text is hidden: a query shown short is better than a secret shown.

/** A character that continues a Postgres identifier (the keyword ends before anything else). */
const IDENT_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/;
const KEYWORD = /password/gi;
/** What may follow the keyword without being a secret: NULL, or a bound parameter ($1). */
const HARMLESS = /^(?:null|\$\d+)(?![A-Za-z0-9_$\u0080-\uffff])/i;
/** A word that is not a string prefix: ordinary prose or SQL ("password authentication failed"). */
const PLAIN_WORD = /^[A-Za-z_\u0080-\uffff]/;
const STRING_PREFIX = /^(?:[EeNnBbXx]|[Uu]&)'/;

/** Index after the whitespace and comments that start at `from` (an unclosed comment runs to the end). */
export function skipTrivia(text: string, from: number): number {
  let i = from;
  for (;;) {
    while (i < text.length && /\s/.test(text.charAt(i))) i += 1;
    if (text.startsWith('--', i)) {
      while (i < text.length && text.charAt(i) !== '\n' && text.charAt(i) !== '\r') i += 1;
    } else if (text.startsWith('/*', i)) {
      // Postgres nests block comments.
      let depth = 1;
      i += 2;
      while (i < text.length && depth > 0) {
        if (text.startsWith('/*', i)) {
          depth += 1;
          i += 2;
        } else if (text.startsWith('*/', i)) {
          depth -= 1;
          i += 2;
        } else i += 1;
      }
    } else return i;
  }
}

/** Whether the token at the start of `rest` may be a password literal (or something we cannot read). */
function mayBeSecret(rest: string): boolean {
  if (rest === '') return false;
  if (HARMLESS.test(rest)) return false;
  if (STRING_PREFIX.test(rest)) return true;
  if (PLAIN_WORD.test(rest)) return false;
  // password=…, "password": … are key=value pairs, which src/core/secrets.ts masks value by value.
  // (Only a double quote: '…' after the keyword is a literal even when it starts with = or :.)
  if (/^"?\s*[=:]/.test(rest)) return false;
  // A quote, a dollar quote, or a character we do not expect here: hide it.
  return !/^\d/.test(rest);
}

/** `text` with every Postgres password literal, and what follows it, replaced by `[redacted]`. */
export function maskPasswordLiterals(text: string): string {
  for (const match of text.matchAll(KEYWORD)) {
    const start = match.index;
    const end = start + match[0].length;
    // Part of a longer identifier (password_hash, mypassword): not the keyword.
    if (start > 0 && IDENT_CHAR.test(text.charAt(start - 1))) continue;
    if (end < text.length && IDENT_CHAR.test(text.charAt(end))) continue;
    if (mayBeSecret(text.slice(skipTrivia(text, end)))) return `${text.slice(0, end)} [redacted]`;
  }
  return text;
}
