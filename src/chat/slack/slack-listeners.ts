// What the bot answers in Slack: the slash command, button clicks and modal submissions. Each listener
// acks first (Slack's 3-second limit), then asks the router, then delivers. Payload fields are read
// through zod; of them, the core trusts only the clicking user's id and the stored action id.
import type { App as BoltApp } from '@slack/bolt';
import { z } from 'zod';
import { catalog } from '../../commands/catalog.js';
import { parseCommand } from '../../commands/parse.js';
import type { Router } from '../../commands/router.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { deliverSlackReplies, type Respond } from './slack-delivery.js';
import { FORM_CALLBACK_ID, readSubmission } from './slack-form.js';
import type { SlackPlatform } from './slack-platform.js';

export interface ListenerDeps {
  router: Router;
  platform: SlackPlatform;
  log: Logger;
}

const slashSchema = z.object({
  text: z.string().max(4000).default(''),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  trigger_id: z.string().optional(),
});

const clickSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string() }).optional(),
  container: z
    .object({
      channel_id: z.string().optional(),
      message_ts: z.string().optional(),
      is_ephemeral: z.boolean().optional(),
    })
    .optional(),
  message: z.object({ ts: z.string() }).optional(),
  trigger_id: z.string().optional(),
  actions: z.array(z.object({ type: z.string(), action_id: z.string() })).min(1),
});

const submitSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().optional(),
});

/** Slow kinds of command get a "working" note with the ack, so nobody wonders whether it was heard. */
function ackText(text: string): string | undefined {
  const parsed = parseCommand(text);
  if (!parsed.ok) return undefined;
  const kind = catalog[parsed.command.name].kind;
  return kind === 'diagnostic' || kind === 'fix' ? '⏳ Working on it…' : undefined;
}

type Ack = (text?: string) => Promise<void>;

/** `/oatie <text>`: ack at once (with a note for slow commands), then run and deliver. */
async function onCommand(deps: ListenerDeps, command: unknown, ack: Ack, respond: Respond): Promise<void> {
  const input = slashSchema.safeParse(command);
  await ack(input.success ? ackText(input.data.text) : undefined);
  if (!input.success) {
    deps.log.warn({ issues: input.error.issues.length }, 'malformed slash command ignored');
    return;
  }
  const { text, user_id: caller, channel_id: channel, trigger_id: trigger } = input.data;
  const replies = await deps.router.handleText({ text, caller, channel, trigger });
  await deliverSlackReplies(deps.platform, replies, { channel, caller, trigger }, respond, deps.log);
}

/** A button click: the stored action runs; the message it was on is replaced; replies are delivered. */
async function onClick(deps: ListenerDeps, body: unknown, respond: Respond | undefined): Promise<void> {
  const click = clickSchema.safeParse(body);
  const action = click.success ? click.data.actions[0] : undefined;
  if (!click.success || action?.type !== 'button') return;
  const { user, container, trigger_id: trigger } = click.data;
  const channel = click.data.channel?.id ?? container?.channel_id;
  const outcome = await deps.router.handleAction({
    actionId: action.action_id,
    caller: user.id,
    channel: channel ?? '',
    trigger,
  });
  await deliverSlackReplies(
    deps.platform,
    outcome.replies ?? [],
    { channel, caller: user.id, trigger },
    respond,
    deps.log,
  );
}

/** A modal submitted: its form action runs with the values; answers go to the channel it was opened from. */
async function onSubmit(
  deps: ListenerDeps,
  body: unknown,
  view: Parameters<typeof readSubmission>[0],
): Promise<void> {
  const who = submitSchema.safeParse(body);
  const submission = readSubmission(view);
  if (!who.success || !submission) {
    deps.log.warn('malformed form submission ignored');
    return;
  }
  const caller = who.data.user.id;
  const trigger = who.data.trigger_id;
  const { actionId, channel, values } = submission;
  const outcome = await deps.router.handleAction({
    actionId,
    caller,
    channel: channel ?? '',
    values,
    trigger,
  });
  await deliverSlackReplies(
    deps.platform,
    outcome.replies ?? [],
    { channel, caller, trigger },
    undefined,
    deps.log,
  );
}

export function registerListeners(bolt: BoltApp, deps: ListenerDeps): void {
  // Any slash command of this app is /oatie (the manifest may name it differently per workspace).
  bolt.command(/.*/, ({ command, ack, respond }) => onCommand(deps, command, ack, respond));
  bolt.action({ type: 'block_actions' }, async ({ ack, body, respond }) => {
    await ack();
    await onClick(deps, body, respond);
  });
  bolt.view(FORM_CALLBACK_ID, async ({ ack, body, view }) => {
    await ack(); // closes the modal at once; the answer follows in the channel
    await onSubmit(deps, body, view);
  });
  bolt.error((error) => {
    deps.log.error({ err: describeError(error) }, 'slack listener failed');
    return Promise.resolve();
  });
}
