// A failed call to a chat platform (or another outside service), in platform-neutral terms, so the
// outbox can tell a failure worth retrying (5xx, 429, no answer) from one that will never succeed
// (a channel that does not exist, a revoked token). Adapters throw it; callers may show its message.
import { ErrorCode, OpsError } from './errors.js';

export interface PlatformFailure {
  /** The platform's name as people read it: Slack, Microsoft Teams. */
  platform: string;
  /** What failed, shortly: `HTTP 500`, `rate limited`, `no answer`, `channel_not_found`. */
  reason: string;
  /** Whether trying again later may succeed. */
  retryable: boolean;
  /** How long the platform asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
}

export class PlatformError extends OpsError {
  readonly failure: PlatformFailure;

  constructor(failure: PlatformFailure, message: string, hint?: string) {
    super(ErrorCode.TargetDown, message, hint);
    this.name = 'PlatformError';
    this.failure = failure;
  }
}

export function platformFailureOf(error: unknown): PlatformFailure | undefined {
  return error instanceof PlatformError ? error.failure : undefined;
}

/** "Slack is failing (HTTP 500)": what people are told while a platform does not take our calls. */
export const failingText = (failure: PlatformFailure): string =>
  `${failure.platform} is failing (${failure.reason})`;

/** Whether an HTTP status is worth another try later: nothing answered, a timeout, throttled, a server error. */
export const isRetryableStatus = (status: number | undefined): boolean =>
  status === undefined || status === 408 || status === 429 || status >= 500;

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
