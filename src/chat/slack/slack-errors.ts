// Slack Web API failures as coded OpsErrors the user can read (never a token, never a stack).
import { webApi } from '@slack/bolt';
import { ErrorCode, OpsError } from '../../core/errors.js';

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

/** Slack's own error string (`name_taken`, `not_in_channel` …) when the Web API answered ok: false. */
export function slackErrorOf(error: unknown): string | undefined {
  return error instanceof webApi.WebAPIPlatformError ? error.data.error : undefined;
}

/** Turns a failed Web API call into an OpsError naming the method; other errors pass through. */
export function toOpsError(method: string, error: unknown): unknown {
  if (error instanceof OpsError) return error;
  const slackError = slackErrorOf(error);
  if (slackError !== undefined) {
    return new OpsError(ErrorCode.TargetDown, `Slack refused ${method}: ${slackError}.`, HINTS[slackError]);
  }
  if (error instanceof webApi.WebAPIRequestError || error instanceof webApi.WebAPIHTTPError) {
    return new OpsError(
      ErrorCode.TargetDown,
      `Slack did not answer ${method} (${error.message.slice(0, 120)}).`,
    );
  }
  if (error instanceof webApi.WebAPIRateLimitedError) {
    return new OpsError(
      ErrorCode.TargetDown,
      `Slack rate-limited ${method}; try again in ${error.retryAfter} s.`,
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
