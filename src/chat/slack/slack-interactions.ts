// Button clicks and modal submissions in Slack, after the ack: read the payload through zod (of it,
// the core trusts only the clicking user's id and the stored action id), run the stored action,
// deliver its replies, and edit the clicked message when the action says it did its job. What cannot
// be read is logged and answered, never dropped in silence.
import { z } from 'zod';
import type { Router } from '../../commands/router.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { textMessage, type Message } from '../message.js';
import { renderMessage } from './block-kit.js';
import { clickedMessageSchema, markClicked, withoutButtonRow, type ClickedMessage } from './slack-clicked.js';
import { deliverSlackReplies, type Respond } from './slack-delivery.js';
import { formChannel, readSubmission, type FormOrigin } from './slack-form.js';
import type { SlackPlatform } from './slack-platform.js';
import { foreignTeamOf } from './slack-team.js';

export interface InteractionDeps {
  router: Router;
  platform: SlackPlatform;
  log: Logger;
  homeTeam?: string;
}

/** The team of the user who clicked or submitted (`user.team_id`, else the payload's team). */
const teamSchema = z.object({
  user: z.object({ team_id: z.string().optional() }).optional(),
  team: z.object({ id: z.string().optional() }).nullable().optional(),
});

function foreignTeamOfBody(deps: InteractionDeps, body: unknown): string | undefined {
  const parsed = teamSchema.safeParse(body);
  const team = parsed.success ? (parsed.data.user?.team_id ?? parsed.data.team?.id ?? undefined) : undefined;
  return foreignTeamOf(deps, team);
}

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
  // Read on its own below: an odd message must not stop the click.
  message: z.unknown().optional(),
  trigger_id: z.string().optional(),
  actions: z.array(z.object({ type: z.string(), action_id: z.string() })).min(1),
});

/** Who clicked and where, read loosely: enough to answer a click that cannot be handled. */
const clickerSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z.object({ channel_id: z.string().min(1).optional() }).optional(),
});

const submitSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  trigger_id: z.string().optional(),
});

const UNREADABLE_CLICK = textMessage(
  'That click could not be read, so nothing ran. Type the command instead (`/oatie help` lists them).',
);
const UNREADABLE_FORM = textMessage(
  'That form came back in a shape the bot cannot read, so nothing ran. Type the command instead (`/oatie help` lists them).',
);

const BUSY = (text: string): Message => textMessage(text);

type Click = z.output<typeof clickSchema>;

/** The clicked message: where it is and, when Slack sent them, its text and blocks. */
function clickedMessage(click: Click): ClickedMessage {
  const message = clickedMessageSchema.safeParse(click.message);
  const { container } = click;
  return {
    channel: click.channel?.id ?? container?.channel_id,
    ts: container?.message_ts ?? (message.success ? message.data.ts : undefined),
    ephemeral: container?.is_ephemeral === true,
    ...(message.success ? { text: message.data.text, blocks: message.data.blocks } : {}),
  };
}

/** What a form opened by this click carries of the clicked message (never an ephemeral one: it cannot be edited). */
function formOrigin(message: ClickedMessage, actionId: string): FormOrigin | undefined {
  if (message.ephemeral || !message.channel || !message.ts || !message.blocks) return undefined;
  const blocks = withoutButtonRow(message.blocks, actionId);
  return { channel: message.channel, ts: message.ts, text: message.text, blocks };
}

/** Answers the clicker privately: through the response_url, else an ephemeral message or a DM. */
async function answerClicker(
  deps: InteractionDeps,
  body: unknown,
  respond: Respond | undefined,
  message: Message,
): Promise<void> {
  try {
    if (respond) {
      await respond({ response_type: 'ephemeral', ...renderMessage(message) });
      return;
    }
    const who = clickerSchema.safeParse(body);
    if (!who.success) return;
    const channel = who.data.channel?.id ?? who.data.container?.channel_id;
    if (channel) await deps.platform.postPrivate(channel, who.data.user.id, message);
    else await deps.platform.directMessage(who.data.user.id, message);
  } catch (error) {
    deps.log.warn({ err: describeError(error) }, 'could not tell the clicker their click was not read');
  }
}

/** A button click: the stored action runs; its replies are delivered; a finished click edits its message. */
export async function onClick(
  deps: InteractionDeps,
  body: unknown,
  respond: Respond | undefined,
): Promise<void> {
  const click = clickSchema.safeParse(body);
  const action = click.success ? click.data.actions[0] : undefined;
  if (!click.success || !action || action.type !== 'button') {
    const reason = click.success
      ? `a ${action?.type.slice(0, 40) ?? 'missing'} element`
      : 'malformed payload';
    const issues = click.success ? undefined : click.error.issues.map((i) => i.path.join('.')).slice(0, 5);
    deps.log.warn({ reason, issues }, 'click not handled; the clicker is told');
    await answerClicker(deps, body, respond, UNREADABLE_CLICK);
    return;
  }
  const { user, trigger_id: trigger } = click.data;
  const message = clickedMessage(click.data);
  const outcome = await deps.router.handleAction({
    actionId: action.action_id,
    caller: user.id,
    channel: message.channel ?? '',
    foreignTeam: foreignTeamOfBody(deps, body),
    trigger,
  });
  if (outcome.clicked)
    await markClicked(deps.platform, message, action.action_id, outcome.clicked.note, respond, deps.log);
  const origin = formOrigin(message, action.action_id);
  const where = { channel: message.channel, caller: user.id, trigger, ...(origin ? { origin } : {}) };
  await deliverSlackReplies(deps.platform, outcome.replies ?? [], where, respond, deps.log);
}

/** A modal that came back malformed: its submitter hears so, in the channel it was opened from or by DM. */
async function answerSubmitter(
  deps: InteractionDeps,
  user: string,
  channel: string | undefined,
): Promise<void> {
  try {
    if (channel) await deps.platform.postPrivate(channel, user, UNREADABLE_FORM);
    else await deps.platform.directMessage(user, UNREADABLE_FORM);
  } catch (error) {
    deps.log.warn({ err: describeError(error) }, 'could not tell the submitter their form was not read');
  }
}

/** A modal submitted: its form action runs with the values; answers go to the channel it was opened from. */
export async function onSubmit(
  deps: InteractionDeps,
  body: unknown,
  view: Parameters<typeof readSubmission>[0],
): Promise<void> {
  const who = submitSchema.safeParse(body);
  if (!who.success) {
    deps.log.warn('form submission without a user ignored: nobody to answer');
    return;
  }
  const caller = who.data.user.id;
  const submission = readSubmission(view);
  if (!submission) {
    deps.log.warn({ user: caller }, 'malformed form submission; the submitter is told');
    await answerSubmitter(deps, caller, formChannel(view));
    return;
  }
  const trigger = who.data.trigger_id;
  const { actionId, channel, values, origin } = submission;
  const outcome = await deps.router.handleAction({
    actionId,
    caller,
    channel: channel ?? '',
    foreignTeam: foreignTeamOfBody(deps, body),
    values,
    trigger,
  });
  if (outcome.clicked && origin?.blocks) {
    const message = { ...origin, ephemeral: false };
    await markClicked(deps.platform, message, '', outcome.clicked.note, undefined, deps.log);
  } else if (outcome.clicked && origin) {
    deps.log.debug(
      { channel: origin.channel },
      'the form’s button message was too long to carry; left as is',
    );
  }
  const where = { channel, caller, trigger };
  await deliverSlackReplies(deps.platform, outcome.replies ?? [], where, undefined, deps.log);
}

/** A click that did not run (the bot was busy, the store down): the clicker is told why. */
export async function tellClicker(
  deps: InteractionDeps,
  body: unknown,
  respond: Respond | undefined,
  text: string,
): Promise<void> {
  await answerClicker(deps, body, respond, BUSY(text));
}

/** A form that did not run (the bot was busy, the store down): the submitter is told why. */
export async function tellSubmitter(
  deps: InteractionDeps,
  body: unknown,
  view: Parameters<typeof readSubmission>[0],
  text: string,
): Promise<void> {
  const who = submitSchema.safeParse(body);
  if (!who.success) return;
  try {
    const channel = formChannel(view);
    if (channel) await deps.platform.postPrivate(channel, who.data.user.id, BUSY(text));
    else await deps.platform.directMessage(who.data.user.id, BUSY(text));
  } catch (error) {
    deps.log.warn({ err: describeError(error) }, 'could not tell the submitter why their form did not run');
  }
}
