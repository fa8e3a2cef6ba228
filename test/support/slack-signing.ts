// Correctly signed Slack requests (v0 HMAC-SHA256 over `v0:timestamp:body`), as Slack sends them to
// /slack/events: slash commands, interaction payloads, and helpers to forge bad ones on purpose.
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
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  return { status: response.status, body: text, ms: performance.now() - started };
}
