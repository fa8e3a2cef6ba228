// Slack Web API failures as coded errors the user can read (never a token, never a stack), each
// with the platform-neutral verdict the outbox needs: worth retrying (5xx, 429, no answer) or not.
import * as webApi from '@slack/web-api';
import { OpsError } from '../../core/errors.js';
import { PlatformError, type PlatformFailure } from '../../core/platform-error.js';

const HINTS: Record<string, string> = {
  not_in_channel: 'Invite the bot to the channel first: /invite @oatie-ops',
  channel_not_found: 'The bot cannot see that channel: invite it with /invite @oatie-ops, or check the name.',
  missing_scope:
    'The Slack app lacks a permission: update it from manifests/slack/manifest.yaml and reinstall it.',
  invalid_auth: 'Slack rejected the bot token: check SLACK_BOT_TOKEN.',
  not_authed: 'Slack rejected the bot token: check SLACK_BOT_TOKEN.',
  token_revoked: 'The bot token was revoked: reinstall the app and update SLACK_BOT_TOKEN.',
  expired_trigger_id: 'The form could not open in time: type the command with its arguments instead.',
};

/** Slack error strings (ok: false) that mean "Slack is having trouble", not "this call is wrong". */
const TRANSIENT = new Set([
  'ratelimited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** The WebClient's own message once its in-memory retries of a 429 ran out. */
const RATE_LIMIT_MESSAGE = /rate limit was exceeded.*retry-after: (\d+)/i;

const failure = (reason: string, retryable: boolean, retryAfterMs?: number): PlatformFailure => ({
  platform: 'Slack',
  reason,
  retryable,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

/** Slack's own error string (`name_taken`, `not_in_channel` …) when the Web API answered ok: false. */
export function slackErrorOf(error: unknown): string | undefined {
  return error instanceof webApi.WebAPIPlatformError ? error.data.error : undefined;
}

/** Turns a failed Web API call into a PlatformError naming the method; other errors pass through. */
export function toOpsError(method: string, error: unknown): unknown {
  if (error instanceof OpsError) return error;
  const slackError = slackErrorOf(error);
  if (slackError !== undefined) {
    return new PlatformError(
      failure(slackError, TRANSIENT.has(slackError)),
      `Slack refused ${method}: ${slackError}.`,
      HINTS[slackError],
    );
  }
  if (error instanceof webApi.WebAPIHTTPError) {
    const status = error.statusCode;
    return new PlatformError(
      failure(`HTTP ${status}`, status >= 500 || status === 408 || status === 429),
      `Slack did not answer ${method} (${error.message.slice(0, 120)}).`,
    );
  }
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return new PlatformError(
      failure('rate limited', true, error.retryAfter * 1000),
      `Slack rate-limited ${method}; try again in ${error.retryAfter} s.`,
    );
  }
  if (error instanceof webApi.WebAPIRequestError) {
    const limited = RATE_LIMIT_MESSAGE.exec(error.original.message);
    const retryAfterMs = limited ? Number(limited[1]) * 1000 : undefined;
    return new PlatformError(
      failure(limited ? 'rate limited' : 'no answer', true, retryAfterMs),
      `Slack did not answer ${method} (${error.message.slice(0, 120)}).`,
    );
  }
  return error;
}

/** Runs one Web API call, converting its failure. */
export async function slackCall<T>(method: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toOpsError(method, error);
  }
}
