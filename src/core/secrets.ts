// The one secret masker: anything that looks like a credential in free text (a log line, the text of
// a query from pg_stat_activity, a library's debug message) is replaced before it reaches a channel
// or a log. Mask BEFORE shortening: a credential cut in half no longer looks like one.

/** Characters of a bearer, basic or key=value credential. */
const TOKEN = '[\\w\\-.~+/=]';

const PATTERNS: ReadonlyArray<readonly [RegExp, string]> = [
  // JWTs first, so "Bearer eyJ…" reads "Bearer [jwt]".
  [/\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, '[jwt]'],
  // A credential of 8+ characters, or a shorter one that runs to the end (the text was cut there).
  [new RegExp(`\\b(Bearer|Basic)\\s+(?:${TOKEN}{8,}|${TOKEN}+$)`, 'gi'), '$1 [redacted]'],
  [/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]{6,}/g, '[slack token]'],
  [/(\/\/[^/\s:@]+:)[^@\s/]+@/g, '$1***@'],
  // Postgres role passwords (PASSWORD 'x', ENCRYPTED PASSWORD E'x', $q$x$q$, ''x'' inside a string):
  // quoting can nest and query text is often cut, so everything from the literal on is hidden.
  [/\b(PASSWORD\s+)(?:E?'|\$\w*\$)[\s\S]*/gi, '$1[redacted]'],
  // key=value and "key": "value" (password=, client_secret:, access_token=, api-key=…).
  [
    /\b([\w-]*?(?:password|passwd|pwd|secret|token|api[_-]?key))(["']?\s*[:=]\s*["']?)[^\s"',;&)]+/gi,
    '$1$2[redacted]',
  ],
];

/** `text` with anything that looks like a credential replaced. */
export function maskSecrets(text: string): string {
  return PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
