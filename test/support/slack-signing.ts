// Correctly signed Slack requests (v0 HMAC-SHA256 over `v0:timestamp:body`), as Slack sends them to
// /slack/events: slash commands, button clicks, modal submissions, and helpers to forge bad ones on purpose.
import { createHmac } from 'node:crypto';

export const SIGNING_SECRET = 'test-signing-secret-0123456789abcdef';

export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

/** A slash command's form body, with the fields Slack always sends. */
export function slashCommandBody(fields: {
  text: string;
  user_id?: string;
  channel_id?: string;
  trigger_id?: string;
  response_url?: string;
  command?: string;
  team_id?: string;
}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0OATIE',
    team_domain: 'oatie',
    channel_id: 'C0GENERAL',
    channel_name: 'general',
    user_id: 'U0ALICE',
    user_name: 'alice',
    command: '/oatie',
    api_app_id: 'A0OATIE',
    trigger_id: '1234.5678.trigger',
    ...fields,
  }).toString();
}

/** An interaction (block_actions, view_submission) as Slack posts it: `payload=<json>`. */
export function interactionBody(payload: Record<string, unknown>): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Who did something, as every interaction payload says it. */
const actor = (user: string, team = 'T0OATIE') => ({
  user: { id: user, username: user.toLowerCase(), team_id: team },
  team: { id: team, domain: team.toLowerCase() },
  api_app_id: 'A0OATIE',
  token: 'deprecated',
});

/** A click on a button of a message in a channel (block_actions). */
export function buttonClickBody(click: {
  user: string;
  channel: string;
  /** The ts of the message the button is on. */
  ts: string;
  actionId: string;
  /** From FakeSlack.responseUrl(). */
  responseUrl: string;
  trigger?: string;
  /** What the message showed, as Slack sends it back with the click (the blocks the bot posted). */
  message?: { text?: unknown; blocks?: unknown };
  /** The element's type, for clicks on something that is not a button. */
  elementType?: string;
  /** The clicker's Slack team (default the bot's own, T0OATIE): another one is a shared channel's guest. */
  team?: string;
}): string {
  return interactionBody({
    type: 'block_actions',
    ...actor(click.user, click.team),
    trigger_id: click.trigger ?? '999.888.trigger',
    response_url: click.responseUrl,
    container: { type: 'message', message_ts: click.ts, channel_id: click.channel, is_ephemeral: false },
    channel: { id: click.channel, name: click.channel.toLowerCase() },
    message: { type: 'message', ts: click.ts, ...click.message },
    actions: [
      {
        type: click.elementType ?? 'button',
        action_id: click.actionId,
        block_id: 'b1',
        value: click.actionId,
        action_ts: '1.2',
      },
    ],
  });
}

/** What one input of a submitted modal holds, as Slack reports it in `view.state.values`. */
export type InputState = Record<string, unknown>;

export const selected = (value: string): InputState => ({
  value: {
    type: 'static_select',
    selected_option: { value, text: { type: 'plain_text', text: value.toUpperCase() } },
  },
});

export const typed = (value: string | null): InputState => ({ value: { type: 'plain_text_input', value } });

/** A modal the bot opened, submitted with `values` by block id (view_submission). */
export function viewSubmissionBody(submission: {
  user: string;
  /** The view of the views.open call. */
  view: { callback_id: string; private_metadata: string };
  values: Record<string, InputState>;
  trigger?: string;
}): string {
  const { callback_id, private_metadata } = submission.view;
  return interactionBody({
    type: 'view_submission',
    ...actor(submission.user),
    trigger_id: submission.trigger ?? '777.666.trigger',
    view: { id: 'V1', type: 'modal', callback_id, private_metadata, state: { values: submission.values } },
  });
}

export interface SignedPost {
  status: number;
  body: string;
  ms: number;
}

export interface SignOptions {
  secret?: string;
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number;
  /** Replaces the computed signature (to send a wrong one). */
  signature?: string;
  /** More headers (e.g. X-Slack-Retry-Num, as Slack sends on a retry). */
  headers?: Record<string, string>;
}

/** POSTs `body` to `url` signed as Slack would, and reports the status and how long the answer took. */
export async function postSigned(url: string, body: string, options: SignOptions = {}): Promise<SignedPost> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature = options.signature ?? slackSignature(options.secret ?? SIGNING_SECRET, timestamp, body);
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      ...options.headers,
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text, ms: performance.now() - started };
}
