// Bolt and the WebClient log through our pino logger, so their lines carry our fields and redaction.
import type { Logger as BoltLogger } from '@slack/bolt';
import { LogLevel } from '@slack/logger';
import type { Logger } from '../../core/logger.js';

const LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG,
  debug: LogLevel.DEBUG,
  info: LogLevel.INFO,
  warn: LogLevel.WARN,
};

const text = (parts: unknown[]): string =>
  parts
    .map((p) => (typeof p === 'string' ? p : p instanceof Error ? p.message : JSON.stringify(p)))
    .join(' ');

export function boltLogger(log: Logger, level: string): BoltLogger {
  const child = log.child({ part: 'bolt' });
  let current = LEVELS[level] ?? LogLevel.ERROR;
  return {
    debug: (...msg: unknown[]) => child.debug(text(msg)),
    info: (...msg: unknown[]) => child.info(text(msg)),
    warn: (...msg: unknown[]) => child.warn(text(msg)),
    error: (...msg: unknown[]) => child.error(text(msg)),
    setLevel: (l: LogLevel) => {
      current = l;
    },
    getLevel: () => current,
    setName: () => undefined,
  };
}
