// The one secret masker: anything that looks like a credential in free text (a log line, the text of
// a query from pg_stat_activity, a library's debug message) is replaced before it reaches a channel
// or a log. Mask BEFORE shortening: a credential cut in half no longer looks like one.
import { maskPasswordLiterals } from './sql-password-mask.js';

/** Characters of a bearer, basic or key=value credential. */
const TOKEN = '[\\w\\-.~+/=]';

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // JWTs first, so "Bearer eyJ…" reads "Bearer [jwt]".
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[jwt]'],
  // A credential of 8+ characters, or a shorter one that runs to the end (the text was cut there).
  [new RegExp(`\\b(Bearer|Basic)\\s+(?:${TOKEN}{8,}|${TOKEN}+$)`, 'gi'), '$1 [redacted]'],
  [/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]{6,}/g, '[slack token]'],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1***@'],
  // PEM private keys, whole or cut.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, '[private key]'],
];

// key=value and "key": "value" (password=, client_secret:, access_token=, api-key=, client-key-data:…);
// a quoted value is hidden up to its closing quote, spaces included.
const KEY_VALUE =
  /\b([\w-]*?(?:password|passwd|pwd|secret|token|api[_-]?key|key[_-]data|private[_-]?key))(["']?\s*[:=]\s*)(?:"[^"]*("?)|'[^']*('?)|[^\s"',;&)]+)/gi;

const maskValue = (_all: string, key: string, sep: string, dq?: string, sq?: string): string => {
  if (dq !== undefined) return `${key}${sep}"[redacted]${dq}`;
  if (sq !== undefined) return `${key}${sep}'[redacted]${sq}`;
  return `${key}${sep}[redacted]`;
};

/** `text` with anything that looks like a credential replaced. */
export function maskSecrets(text: string): string {
  // Postgres password literals first: the rule is a small lexer, not a pattern (see its file).
  const masked = PATTERNS.reduce(
    (out, [pattern, replacement]) => out.replace(pattern, replacement),
    maskPasswordLiterals(text),
  );
  return masked.replace(KEY_VALUE, maskValue);
}
