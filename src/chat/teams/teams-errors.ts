// Bot Framework connector and Graph failures as coded errors that carry what a retrying sender needs:
// the HTTP status and the Retry-After the service asked for. Never a token, never a stack.
import { ErrorCode, OpsError } from '../../core/errors.js';
import { isRetryableStatus, parseRetryAfter } from '../../core/platform-error.js';

/** A Teams call that failed: `status` is the HTTP status (undefined when nothing answered). */
export class TeamsDeliveryError extends OpsError {
  constructor(
    message: string,
    readonly status: number | undefined,
    /** What the service asked us to wait before trying again (429, 503), in milliseconds. */
    readonly retryAfterMs: number | undefined,
    hint?: string,
  ) {
    super(ErrorCode.TargetDown, message, hint);
    this.name = 'TeamsDeliveryError';
  }

  /** Worth trying again later: nothing answered, throttled, or a server error. */
  get retryable(): boolean {
    return isRetryableStatus(this.status);
  }
}

const HINTS: Record<number, string> = {
  401: 'The connector refused the bot’s credentials: check MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD.',
  403: 'The bot may not post there: add the app to the team or chat first.',
  404: 'That conversation or message is gone (deleted, or the bot was removed).',
};

interface HeaderBag {
  get(name: string): string | null | undefined;
}

/** The status and Retry-After of a failed call, read loosely from what the client libraries throw. */
function responseOf(error: unknown): { status?: number; retryAfter?: string } {
  if (typeof error !== 'object' || error === null) return {};
  const e = error as { statusCode?: unknown; response?: { status?: unknown; headers?: unknown } };
  const status =
    typeof e.statusCode === 'number'
      ? e.statusCode
      : typeof e.response?.status === 'number'
        ? e.response.status
        : undefined;
  const headers = e.response?.headers;
  let retryAfter: string | undefined;
  if (headers && typeof (headers as HeaderBag).get === 'function')
    retryAfter = (headers as HeaderBag).get('retry-after') ?? undefined;
  return { ...(status === undefined ? {} : { status }), ...(retryAfter === undefined ? {} : { retryAfter }) };
}

/** Turns a failed Teams call into a TeamsDeliveryError naming the operation. */
export function toTeamsError(operation: string, error: unknown): unknown {
  if (error instanceof OpsError) return error;
  const { status, retryAfter } = responseOf(error);
  const retryAfterMs = parseRetryAfter(retryAfter);
  const what =
    status === undefined
      ? `Teams did not answer ${operation}`
      : status === 429
        ? `Teams rate-limited ${operation}${retryAfterMs === undefined ? '' : `; try again in ${Math.ceil(retryAfterMs / 1000)} s`}`
        : `Teams refused ${operation} (HTTP ${status})`;
  return new TeamsDeliveryError(
    `${what}.`,
    status,
    retryAfterMs,
    status === undefined ? undefined : HINTS[status],
  );
}

/** Runs a call with a deadline, converting its failure; the deadline itself is a timeout without a status. */
export async function teamsCall<T>(operation: string, ms: number, call: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TeamsDeliveryError(
            `Teams did not answer ${operation} within ${ms / 1000} s.`,
            undefined,
            undefined,
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([call(), deadline]);
  } catch (error) {
    throw toTeamsError(operation, error);
  } finally {
    clearTimeout(timer);
  }
}
