// Turns `pg` failures into coded errors people can read: refused, timed out, auth failed, no free
// slots. Messages are built here from codes and the target's description, never from the URL, so
// a password can never reach a channel or a log.
import { ErrorCode, OpsError } from '../core/errors.js';
import { seconds } from './network-error.js';

/** Postgres SQLSTATEs that mean "this statement failed" while the connection itself stays usable. */
const STATEMENT_TIMEOUT = '57014';
const LOCK_TIMEOUT = '55P03';

/** A string field of a thrown value (`code`, `message`), or "" when it has none. */
function field(error: unknown, name: 'code' | 'message'): string {
  const value = typeof error === 'object' && error !== null ? (error as Record<string, unknown>)[name] : '';
  return typeof value === 'string' ? value : '';
}

/** lock_timeout for a given statement_timeout: shorter, so a wait for a lock is reported as such
 * rather than as a slow query (with equal values statement_timeout fires first). */
export function lockTimeoutFor(timeoutMs: number): number {
  return Math.max(100, Math.round(timeoutMs * 0.8));
}

/** A SQL error the server reported for one statement (the connection is still fine). */
export function isStatementError(error: unknown): boolean {
  const code = field(error, 'code');
  // SQLSTATEs are five characters; connection classes 08 (connection) and 57P0x (shutdown) are not statement errors.
  return /^[0-9A-Z]{5}$/.test(code) && !code.startsWith('08') && !code.startsWith('57P');
}

/** statement_timeout or lock_timeout: reported as a timeout, not as a rejected statement. */
export function isTimeoutCode(error: unknown): boolean {
  const code = field(error, 'code');
  return code === STATEMENT_TIMEOUT || code === LOCK_TIMEOUT;
}

/** What the server said about a statement it rejected (syntax, a missing relation): its SQLSTATE and
 * message. The message may quote the statement: mask it before showing it. */
export function statementFailure(error: unknown): { sqlstate: string; message: string } {
  return { sqlstate: field(error, 'code'), message: field(error, 'message') };
}

const CLOSED = 'closed the connection unexpectedly';

/** Why the server is down or refuses, by system error code or SQLSTATE. */
const DOWN_REASONS = new Map<string, string>([
  ['ECONNREFUSED', 'refused the connection (nothing listens on that port)'],
  ['ENOTFOUND', 'could not be reached: the host name does not resolve'],
  ['EAI_AGAIN', 'could not be reached: the host name does not resolve'],
  ['EHOSTUNREACH', 'could not be reached: no route to the host'],
  ['ENETUNREACH', 'could not be reached: no route to the host'],
  ['ECONNRESET', CLOSED],
  ['EPIPE', CLOSED],
  ['28P01', 'rejected the login: auth failed (check the user and password of OATIE_DATABASE_URL)'],
  ['28000', 'rejected the login: auth failed (check the user and password of OATIE_DATABASE_URL)'],
  ['3D000', 'has no such database (check the database name of OATIE_DATABASE_URL)'],
  ['53300', 'has no free connection slots left (too many connections)'],
  ['57P01', 'is shutting down or starting up'],
  ['57P02', 'is shutting down or starting up'],
  ['57P03', 'is shutting down or starting up'],
]);

/** The coded error for any failure of a call to the Oatie database described by `where`. */
export function postgresError(error: unknown, where: string, timeoutMs: number): OpsError {
  const code = field(error, 'code');
  const down = (reason: string) =>
    new OpsError(ErrorCode.TargetDown, `The Oatie database at ${where} ${reason}.`);
  const timeout = (text: string) => new OpsError(ErrorCode.Timeout, text);
  const silent = () => timeout(`The Oatie database at ${where} did not answer within ${seconds(timeoutMs)}.`);
  const query = `The query on the Oatie database at ${where}`;
  const reason = DOWN_REASONS.get(code);
  if (reason !== undefined) return down(reason);
  if (code === 'ETIMEDOUT') return silent();
  if (code === STATEMENT_TIMEOUT)
    return timeout(`${query} was cancelled after ${seconds(timeoutMs)} (statement_timeout).`);
  if (code === LOCK_TIMEOUT) {
    return timeout(
      `${query} waited more than ${seconds(lockTimeoutFor(timeoutMs))} for a lock (lock_timeout) and gave up.`,
    );
  }
  const message = field(error, 'message');
  if (/timeout|timed out/i.test(message)) return silent();
  if (/terminated|ended|closed|not queryable/i.test(message)) return down(CLOSED);
  if (isStatementError(error)) {
    return new OpsError(
      ErrorCode.Internal,
      `The Oatie database at ${where} rejected a query (SQLSTATE ${code}).`,
    );
  }
  return down('could not be reached');
}
