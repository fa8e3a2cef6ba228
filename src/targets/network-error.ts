// Turns a failed HTTP call (native fetch or node-fetch, as used by @kubernetes/client-node) into a
// coded error people can read: refused, timed out, name not resolved, TLS. Messages are built from
// error codes and the target's description, never from a URL, so no credential reaches a channel.
import { ErrorCode, OpsError, isOpsError } from '../core/errors.js';

interface ErrorFields {
  name?: unknown;
  code?: unknown;
  type?: unknown;
  cause?: unknown;
}

const fieldsOf = (error: unknown): ErrorFields => (typeof error === 'object' && error !== null ? error : {});

/** The system error code of the error or of its causes (undici nests it in `cause`). */
function systemCode(error: unknown, depth = 0): string | undefined {
  const { code, cause } = fieldsOf(error);
  if (typeof code === 'string' && code !== '') return code;
  return depth < 3 && cause !== undefined ? systemCode(cause, depth + 1) : undefined;
}

/** Whether the call was cut by its AbortSignal (our timeout): DOMException TimeoutError/AbortError,
 * or node-fetch's AbortError. */
export function isAbort(error: unknown): boolean {
  const { name, type, cause } = fieldsOf(error);
  if (name === 'TimeoutError' || name === 'AbortError' || type === 'aborted') return true;
  return cause !== undefined && cause !== error && isAbort(cause);
}

export const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** `what` names the target in a sentence, e.g. "The Kubernetes API at 10.0.0.1:6443". */
export function networkError(error: unknown, what: string, timeoutMs: number): OpsError {
  if (isOpsError(error)) return error;
  const timeout = () =>
    new OpsError(ErrorCode.Timeout, `${what} did not answer within ${seconds(timeoutMs)}.`);
  if (isAbort(error)) return timeout();
  const down = (reason: string) => new OpsError(ErrorCode.TargetDown, `${what} ${reason}.`);
  const code = systemCode(error) ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return down('refused the connection (nothing listens on that port)');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return down('could not be reached: the host name does not resolve (DNS)');
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return down('could not be reached: no route to the host');
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
    case 'UND_ERR_CLOSED':
      return down('closed the connection unexpectedly');
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return timeout();
  }
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) {
    return down(`failed the TLS handshake (${code})`);
  }
  return down(code === '' ? 'could not be reached' : `could not be reached (${code})`);
}

/** A target that answered with an HTTP error status: what that status means for the caller. */
export function statusError(status: number, what: string, credentialHint: string): OpsError {
  if (status === 401) {
    return new OpsError(
      ErrorCode.TargetDown,
      `${what} rejected the credentials (401 Unauthorized): ${credentialHint}.`,
    );
  }
  if (status === 403) {
    return new OpsError(
      ErrorCode.TargetDown,
      `${what} refused the request (403 Forbidden): ${credentialHint}.`,
    );
  }
  return new OpsError(ErrorCode.TargetDown, `${what} answered HTTP ${status}.`);
}
