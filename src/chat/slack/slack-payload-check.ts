// The shape of a signed Slack request, checked before Bolt routes it, so that nothing Bolt would leave
// unacknowledged (Slack then shows a timeout after 3 s) reaches it: a payload that cannot be handled is
// answered at once, on its response_url when it has one, else with a 4xx (or, for a modal, a message in it).
import { parse as parseQuery } from 'node:querystring';
import { z } from 'zod';
import { FORM_CALLBACK_ID } from './slack-form.js';

/** A request that passed, parsed as Bolt parses it (the form of a command, the JSON of an interaction). */
export type Passed =
  | { kind: 'pass'; type: 'command'; body: Record<string, unknown> }
  | { kind: 'pass'; type: 'block_actions' | 'view_submission'; body: Record<string, unknown> }
  | { kind: 'pass'; type: 'url_verification' };

export type PayloadVerdict =
  | Passed
  | { kind: 'answer-url'; responseUrl: string; text: string; reason: string }
  | { kind: 'answer-json'; body: Record<string, unknown>; reason: string }
  | { kind: 'refuse'; status: number; text: string; reason: string };

const UNREADABLE_CLICK =
  'That click could not be read, so nothing ran. Type the command instead (`/oatie help` lists them).';
const UNKNOWN_FORM =
  'This form is not one the bot handles any more, so nothing ran. Close it and type the command instead (`/oatie help` lists them).';

const httpUrl = z.string().refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol));
const user = z.object({ id: z.string().min(1) });

const blockActions = z.object({
  type: z.literal('block_actions'),
  user,
  // What an action holds is read by the click listener, which answers one it cannot use in the channel.
  actions: z.array(z.unknown()).min(1),
});
const viewSubmission = z.object({
  type: z.literal('view_submission'),
  user,
  view: z.object({ callback_id: z.string() }),
});
const withResponseUrl = z.object({ response_url: httpUrl });

const refuse = (reason: string, text = 'unsupported slack payload'): PayloadVerdict => ({
  kind: 'refuse',
  status: 400,
  text,
  reason,
});

/** A modal that replaces the submitted one, saying why nothing ran. */
function modalAnswer(text: string): Record<string, unknown> {
  return {
    response_action: 'update',
    view: {
      type: 'modal',
      title: { type: 'plain_text', text: 'oatie-ops' },
      close: { type: 'plain_text', text: 'Close' },
      blocks: [{ type: 'section', text: { type: 'plain_text', text } }],
    },
  };
}

function checkInteraction(payload: Record<string, unknown>): PayloadVerdict {
  const type = z.object({ type: z.string() }).safeParse(payload);
  const url = withResponseUrl.safeParse(payload);
  const answer = (reason: string): PayloadVerdict =>
    url.success
      ? { kind: 'answer-url', responseUrl: url.data.response_url, text: UNREADABLE_CLICK, reason }
      : refuse(reason);
  if (!type.success) return answer('interaction without a type');
  switch (type.data.type) {
    case 'block_actions':
      return blockActions.safeParse(payload).success
        ? { kind: 'pass', type: 'block_actions', body: payload }
        : answer('block_actions without a user or actions');
    case 'view_submission': {
      const submission = viewSubmission.safeParse(payload);
      if (!submission.success) return refuse('view_submission without a user or view');
      if (submission.data.view.callback_id !== FORM_CALLBACK_ID)
        return { kind: 'answer-json', body: modalAnswer(UNKNOWN_FORM), reason: 'unknown callback_id' };
      return { kind: 'pass', type: 'view_submission', body: payload };
    }
    default:
      return answer(`interaction of an unhandled type (${type.data.type.slice(0, 40)})`);
  }
}

/** Decides whether Bolt gets the request or it is answered here. */
export function checkSlackPayload(contentType: string | undefined, body: Buffer): PayloadVerdict {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  const text = body.toString('utf8');
  if (mediaType === 'application/json') {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refuse('JSON body that does not parse');
    }
    // The only JSON request the app takes is Slack's check of the Request URL.
    return z.object({ type: z.literal('url_verification') }).safeParse(json).success
      ? { kind: 'pass', type: 'url_verification' }
      : refuse('JSON event the app does not subscribe to');
  }
  if (mediaType !== 'application/x-www-form-urlencoded')
    return refuse(`content type ${mediaType?.slice(0, 60)}`);
  const form = parseQuery(text);
  if (typeof form.payload === 'string') {
    let payload: unknown;
    try {
      payload = JSON.parse(form.payload);
    } catch {
      return refuse('interaction payload that does not parse');
    }
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return refuse('interaction payload that is not an object');
    return checkInteraction(payload as Record<string, unknown>);
  }
  // A slash command: its listener answers one without a user or channel in the ack.
  if (typeof form.command === 'string') return { kind: 'pass', type: 'command', body: { ...form } };
  return refuse('form without a command or a payload');
}
