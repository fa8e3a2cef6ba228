// The logger: structured JSON (pino) on standard error, so standard output stays for answers.
import { pino } from 'pino';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

// Tokens that may hide inside free text (a library's debug line, an error message): JWTs, bearer
// tokens, Slack tokens, passwords in URLs. Field names are redacted below; this catches the rest.
const SECRET_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[redacted jwt]'],
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [/\bx(ox[abprs]|app)-[A-Za-z0-9-]{6,}/g, '[redacted slack token]'],
  [/(\/\/[^/:@\s]+:)[^@/\s]+@/g, '$1***@'],
];

/** Replaces anything that looks like a secret in free text. */
export function scrubSecrets(text: string): string {
  return SECRET_PATTERNS.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}

const scrubValue = (value: unknown): unknown => (typeof value === 'string' ? scrubSecrets(value) : value);

export function createLogger(
  level: string,
  destination: pino.DestinationStream = pino.destination(2),
): Logger {
  return pino(
    {
      level,
      base: { service: 'oatie-ops' },
      hooks: {
        logMethod(args, method) {
          // Strings of a log call (its message and format arguments) and the string fields of its object.
          const scrubbed = args.map((arg: unknown) =>
            typeof arg === 'object' && arg !== null && !Array.isArray(arg)
              ? Object.fromEntries(Object.entries(arg).map(([k, v]) => [k, scrubValue(v)]))
              : scrubValue(arg),
          ) as Parameters<typeof method>;
          method.apply(this, scrubbed);
        },
      },
      // Secrets never reach a log: whatever field carries one is censored wherever it appears.
      redact: {
        paths: [
          'token',
          '*.token',
          'password',
          '*.password',
          'authorization',
          '*.authorization',
          'jwt',
          '*.jwt',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A logger that drops everything (tests, benchmarks). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
