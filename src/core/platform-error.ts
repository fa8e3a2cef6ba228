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
