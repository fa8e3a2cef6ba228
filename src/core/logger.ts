// The logger: structured JSON (pino) on standard error, so standard output stays for answers.
import { pino } from 'pino';
import { maskSecrets } from './secrets.js';

export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

// Field names are redacted below; free text (a library's debug line, an error message) is masked here,
// at any depth (an error's message and stack, a request's nested options).
function scrubValue(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskSecrets(value);
  if (typeof value !== 'object' || value === null || depth > 5) return value;
  if (value instanceof Error) {
    // Still an Error, so that pino's error serializer shapes it as before.
    const masked = new Error(maskSecrets(value.message));
    masked.name = value.name;
    masked.stack = maskSecrets(value.stack ?? '');
    return masked;
  }
  if (Array.isArray(value)) return value.map((v: unknown) => scrubValue(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, depth + 1)]));
}

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
          const scrubbed = args.map((arg: unknown) => scrubValue(arg)) as Parameters<typeof method>;
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
