// Turns `pg` failures into coded errors people can read: refused, timed out, auth failed, no free
// slots. Messages are built here from codes and the target's description, never from the URL, so
// a password can never reach a channel or a log.
import { ErrorCode, OpsError } from '../core/errors.js';

/** Postgres SQLSTATEs that mean "this statement failed" while the connection itself stays usable. */
const STATEMENT_TIMEOUT = '57014';
const LOCK_TIMEOUT = '55P03';

interface PgLikeError {
  code?: unknown;
  message?: unknown;
}

const fieldsOf = (error: unknown): PgLikeError => (typeof error === 'object' && error !== null ? error : {});

const codeOf = (error: unknown): string => {
  const code = fieldsOf(error).code;
  return typeof code === 'string' ? code : '';
};

const messageOf = (error: unknown): string => {
  const message = fieldsOf(error).message;
  return typeof message === 'string' ? message : '';
};

/** lock_timeout for a given statement_timeout: shorter, so a wait for a lock is reported as such
 * rather than as a slow query (with equal values statement_timeout fires first). */
export function lockTimeoutFor(timeoutMs: number): number {
  return Math.max(100, Math.round(timeoutMs * 0.8));
}

const inSeconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** A SQL error the server reported for one statement (the connection is still fine). */
export function isStatementError(error: unknown): boolean {
  const code = codeOf(error);
  // SQLSTATEs are five characters; connection classes 08 (connection) and 57P0x (shutdown) are not statement errors.
  return /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P');
}

/** The coded error for any failure of a call to the Oatie database described by `where`. */
export function postgresError(error: unknown, where: string, timeoutMs: number): OpsError {
  const code = codeOf(error);
  const message = messageOf(error);
  const seconds = inSeconds(timeoutMs);
  const down = (reason: string) =>
    new OpsError(ErrorCode.TargetDown, `The Oatie database at ${where} ${reason}.`);
  switch (code) {
    case 'ECONNREFUSED':
      return down('refused the connection (nothing listens on that port)');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return down('could not be reached: the host name does not resolve');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return down('could not be reached: no route to the host');
    case 'ECONNRESET':
    case 'EPIPE':
      return down('closed the connection unexpectedly');
    case 'ETIMEDOUT':
      return new OpsError(
        ErrorCode.Timeout,
        `The Oatie database at ${where} did not answer within ${seconds}.`,
      );
    case '28P01':
    case '28000':
      return down('rejected the login: auth failed (check the user and password of OATIE_DATABASE_URL)');
    case '3D000':
      return down('has no such database (check the database name of OATIE_DATABASE_URL)');
    case '53300':
      return down('has no free connection slots left (too many connections)');
    case '57P01':
    case '57P02':
    case '57P03':
      return down('is shutting down or starting up');
    case STATEMENT_TIMEOUT:
      return new OpsError(
        ErrorCode.Timeout,
        `The query on the Oatie database at ${where} was cancelled after ${seconds} (statement_timeout).`,
      );
    case LOCK_TIMEOUT:
      return new OpsError(
        ErrorCode.Timeout,
        `The query on the Oatie database at ${where} waited more than ${inSeconds(lockTimeoutFor(timeoutMs))} for a lock (lock_timeout) and gave up.`,
      );
  }
  if (/timeout|timed out/i.test(message)) {
    return new OpsError(
      ErrorCode.Timeout,
      `The Oatie database at ${where} did not answer within ${seconds}.`,
    );
  }
  if (/terminated|ended|closed|not queryable/i.test(message))
    return down('closed the connection unexpectedly');
  if (isStatementError(error)) {
    return new OpsError(
      ErrorCode.Internal,
      `The Oatie database at ${where} rejected a query (SQLSTATE ${code}).`,
    );
  }
  return down('could not be reached');
}
