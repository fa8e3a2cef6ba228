// What the bot answers in Slack: the slash command, button clicks and modal submissions. Each listener
// acks at once (Slack's 3-second limit) and hands the work — ask the router, deliver — to the work
// queue, so acks never wait behind answers; when the queue is full the ack says "busy, try again". Payload fields are read
// through zod; of them, the core trusts only the clicking user's id and the stored action id.
import type { App as BoltApp } from '@slack/bolt';
import { z } from 'zod';
import { catalog } from '../../commands/catalog.js';
import { parseCommand } from '../../commands/parse.js';
import type { Router } from '../../commands/router.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { deliverSlackReplies, type Respond } from './slack-delivery.js';
import { BUSY_TEXT, type WorkQueue } from '../work-queue.js';
import { FORM_CALLBACK_ID } from './slack-form.js';
import { answerBusyClick, answerBusySubmit, onClick, onSubmit } from './slack-interactions.js';
import type { SlackPlatform } from './slack-platform.js';
import { foreignTeamOf } from './slack-team.js';

export interface ListenerDeps {
  router: Router;
  platform: SlackPlatform;
  log: Logger;
  /** The bot's own workspace (auth.test's team_id); users of any other team are marked foreign. */
  homeTeam?: string;
  /** Where the work behind each ack runs (bounded concurrency, bounded waiting line). */
  queue: WorkQueue;
}

// No length limit here: the parser answers text that is too long (a pasted JWT may be long).
const slashSchema = z.object({
  text: z.string().default(''),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  trigger_id: z.string().optional(),
  team_id: z.string().optional(),
  /** In a shared channel, the team of the user who typed the command. */
  user_team: z.string().optional(),
});

/** The ack of a command Slack sent without a user or channel: there is nobody else to tell. */
export const NO_CALLER_ACK = 'This command came without a user or a channel, so it cannot run. Try it again.';

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
  if (!input.success) {
    await ack(NO_CALLER_ACK);
    const missing = input.error.issues.map((i) => i.path.join('.')).slice(0, 5);
    deps.log.warn({ missing }, 'slash command without a user or channel; answered in the ack');
    return;
  }
  const { text, user_id: caller, channel_id: channel, trigger_id: trigger } = input.data;
  const foreignTeam = foreignTeamOf(deps, input.data.user_team ?? input.data.team_id);
  const queued = deps.queue.offer(async () => {
    const replies = await deps.router.handleText({ text, caller, channel, trigger, foreignTeam });
    await deliverSlackReplies(deps.platform, replies, { channel, caller, trigger }, respond, deps.log);
  });
  if (!queued) deps.log.warn({ user: caller, waiting: deps.queue.pending }, 'work queue full; answered busy');
  await ack(queued ? ackText(text) : BUSY_TEXT);
}

export function registerListeners(bolt: BoltApp, deps: ListenerDeps): void {
  // Any slash command of this app is /oatie (the manifest may name it differently per workspace).
  bolt.command(/.*/, ({ command, ack, respond }) => onCommand(deps, command, ack, respond));
  bolt.action({ type: 'block_actions' }, async ({ ack, body, respond }) => {
    await ack();
    if (!deps.queue.offer(() => onClick(deps, body, respond))) {
      deps.log.warn({ waiting: deps.queue.pending }, 'work queue full; click answered busy');
      await answerBusyClick(deps, body, respond, BUSY_TEXT);
    }
  });
  bolt.view(FORM_CALLBACK_ID, async ({ ack, body, view }) => {
    await ack(); // closes the modal at once; the answer follows in the channel
    if (!deps.queue.offer(() => onSubmit(deps, body, view))) {
      deps.log.warn({ waiting: deps.queue.pending }, 'work queue full; form answered busy');
      await answerBusySubmit(deps, body, view, BUSY_TEXT);
    }
  });
  bolt.error((error) => {
    deps.log.error({ err: describeError(error) }, 'slack listener failed');
    return Promise.resolve();
  });
}
