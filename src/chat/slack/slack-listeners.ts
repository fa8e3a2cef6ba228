// What the bot answers in Slack: the slash command, button clicks and modal submissions. Each listener
// acks at once (Slack's 3-second limit) and hands the work — ask the router, deliver — to the work
// queue, so acks never wait behind answers; when the queue is full the ack says "busy, try again". Payload fields are read
// through zod; of them, the core trusts only the clicking user's id and the stored action id.
import type { App as BoltApp } from '@slack/bolt';
import type { Router } from '../../commands/router.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { deliverSlackReplies, type Respond } from './slack-delivery.js';
import { BUSY_TEXT, type WorkQueue } from '../work-queue.js';
import { FORM_CALLBACK_ID } from './slack-form.js';
import { NO_CALLER_ACK, ackText, slashSchema } from './slack-ack.js';
import { onClick, onSubmit, tellClicker, tellSubmitter } from './slack-interactions.js';
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
  /** Records a delivery in the store; false when it was already received (here or by another replica). */
  firstDelivery?: (key: string) => Promise<boolean>;
}

/** What the caller hears when the store cannot record their request: nothing ran. */
export const STORE_DOWN_TEXT =
  'The bot’s store is unavailable right now, so this did not run. Please try again in a minute.';

/**
 * Runs `work` once per delivery: the store records the gate's delivery key first, behind the ack (a
 * store round trip before the ack would make every ack wait for the store). A repeat is ignored; when
 * the store cannot record it, nothing runs and `tell` says so.
 */
async function once(
  deps: ListenerDeps,
  context: Record<string, unknown>,
  work: () => Promise<void>,
  tell: (text: string) => Promise<void>,
): Promise<void> {
  const key = context.deliveryKey;
  if (deps.firstDelivery && typeof key === 'string') {
    let first: boolean;
    try {
      first = await deps.firstDelivery(key);
    } catch (error) {
      deps.log.error({ err: describeError(error) }, 'store unreachable: slack request not run');
      await tell(STORE_DOWN_TEXT);
      return;
    }
    if (!first) {
      deps.log.info({ retry: context.retryNum }, 'slack request delivered again; acknowledged and ignored');
      return;
    }
  }
  await work();
}

type Ack = (text?: string) => Promise<void>;

/**
 * Set in the context of a request the gate acknowledged itself and queued (see slack-request-gate.ts):
 * the listener runs inside that queued job, and its `ack` is a no-op.
 */
export const PRE_ACKED = 'oatiePreAcked';
const preAcked = (context: Record<string, unknown>): boolean => context[PRE_ACKED] === true;

/** `/oatie <text>`: ack at once (with a note for slow commands), then run and deliver. */
async function onCommand(
  deps: ListenerDeps,
  command: unknown,
  context: Record<string, unknown>,
  ack: Ack,
  respond: Respond,
): Promise<void> {
  const input = slashSchema.safeParse(command);
  if (!input.success) {
    await ack(NO_CALLER_ACK);
    const missing = input.error.issues.map((i) => i.path.join('.')).slice(0, 5);
    deps.log.warn({ missing }, 'slash command without a user or channel; answered in the ack');
    return;
  }
  const { text, user_id: caller, channel_id: channel, trigger_id: trigger } = input.data;
  const foreignTeam = foreignTeamOf(deps, input.data.user_team ?? input.data.team_id);
  const tell = async (message: string) => {
    await respond({ response_type: 'ephemeral', text: message, blocks: [] }).catch((error: unknown) =>
      deps.log.warn({ err: describeError(error) }, 'could not tell the caller why nothing ran'),
    );
  };
  const job = () =>
    once(
      deps,
      context,
      async () => {
        const replies = await deps.router.handleText({ text, caller, channel, trigger, foreignTeam });
        await deliverSlackReplies(deps.platform, replies, { channel, caller, trigger }, respond, deps.log);
      },
      tell,
    );
  if (preAcked(context)) return job();
  const queued = deps.queue.offer(job);
  if (!queued) deps.log.warn({ user: caller, waiting: deps.queue.pending }, 'work queue full; answered busy');
  await ack(queued ? ackText(text) : BUSY_TEXT);
}

export function registerListeners(bolt: BoltApp, deps: ListenerDeps): void {
  // Any slash command of this app is /oatie (the manifest may name it differently per workspace).
  bolt.command(/.*/, ({ command, context, ack, respond }) => onCommand(deps, command, context, ack, respond));
  bolt.action({ type: 'block_actions' }, async ({ ack, body, context, respond }) => {
    await ack();
    const tell = (text: string) => tellClicker(deps, body, respond, text);
    const job = () => once(deps, context, () => onClick(deps, body, respond), tell);
    if (preAcked(context)) return job();
    if (!deps.queue.offer(job)) {
      deps.log.warn({ waiting: deps.queue.pending }, 'work queue full; click answered busy');
      await tell(BUSY_TEXT);
    }
  });
  bolt.view(FORM_CALLBACK_ID, async ({ ack, body, context, view }) => {
    await ack(); // closes the modal at once; the answer follows in the channel
    const tell = (text: string) => tellSubmitter(deps, body, view, text);
    const job = () => once(deps, context, () => onSubmit(deps, body, view), tell);
    if (preAcked(context)) return job();
    if (!deps.queue.offer(job)) {
      deps.log.warn({ waiting: deps.queue.pending }, 'work queue full; form answered busy');
      await tell(BUSY_TEXT);
    }
  });
  bolt.error((error) => {
    deps.log.error({ err: describeError(error) }, 'slack listener failed');
    return Promise.resolve();
  });
}
