// What the bot answers in Teams: messages (commands) and card buttons (adaptiveCard/action). A
// message is acknowledged at once and its command runs after (Teams, like Slack, wants a quick
// answer), waiting its turn in a bounded queue as on Slack; a button is answered with the updated
// card, within Teams' time limit. Activities of another tenant are refused; activity types and
// invokes the bot does not handle get the quiet 200 Teams expects.
import {
  ActivityTypes,
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
import type { Router } from '../../commands/router.js';
import { deliverReplies } from '../deliver.js';
import { BUSY_TEXT, type WorkQueue } from '../work-queue.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { shorten, textMessage, type Message } from '../message.js';
import { ACTION_VERB } from './adaptive-card.js';
import {
  activitySchema,
  baseChannel,
  callerOf,
  cardActionSchema,
  commandText,
  isChannel,
  tenantOf,
  type SeenActivity,
} from './teams-activity.js';
import type { TeamsPlatform } from './teams-platform.js';
import type { TeamsStore } from './teams-store.js';

/** Teams waits a few seconds for a card action's answer; past this the card shows its latest state. */
const CARD_ANSWER_MS = 4000;
/** A conversation reference seen again within this time is not written again. */
const REMEMBER_MS = 5 * 60_000;

export interface TeamsBotDeps {
  router: Router;
  platform: TeamsPlatform;
  store: TeamsStore;
  log: Logger;
  /** Activities of any other tenant are refused (single-tenant apps). */
  tenantId?: string;
  /** True the first time a delivery key is seen across replicas (store/delivery-log): Teams retries a message it thinks was lost. */
  firstDelivery?: (key: string) => Promise<boolean>;
  /**
   * Where commands wait for their turn after their acknowledgement (bounded, as on Slack); when it is
   * full, the person is told the bot is busy and nothing runs. Without one, every command runs at once.
   */
  queue?: WorkQueue;
}

const MENTION_ONLY = textMessage(
  'Type a command after the mention, for example “@oatie-ops help” (in a personal chat, just “help”).',
);
const UNKNOWN_BUTTON =
  'That button is not one this bot knows, so nothing ran. Type the command instead (“help” lists them).';

/** The message behind a clicked card, without the row of the clicked button, with who did what. */
export function clickedMessage(message: Message, actionId: string, note: string): Message {
  const blocks = message.blocks.filter(
    (b) => !(b.kind === 'actions' && b.buttons.some((button) => button.actionId === actionId)),
  );
  return { ...message, blocks: [...blocks, { kind: 'context', text: note || 'Done.' }] };
}

const toastOf = (text: string): AdaptiveCardInvokeResponse => ({
  statusCode: 200,
  type: 'application/vnd.microsoft.activity.message',
  value: shorten(text, 300) as unknown as Record<string, unknown>,
});

export class TeamsBot extends TeamsActivityHandler {
  /** Commands still running after their acknowledgement (stop waits for them). */
  private readonly running = new Set<Promise<void>>();
  /** What was stored lately, and until when that holds (see remember). */
  private readonly remembered = new Map<string, number>();

  constructor(private readonly deps: TeamsBotDeps) {
    super();
    this.onMessage(async (context, next) => {
      const activity = activitySchema.safeParse(context.activity);
      if (activity.success) this.track(this.queueCommand(activity.data));
      await next();
    });
  }

  /** Every turn: read the activity, refuse another tenant, remember where it came from, then dispatch. */
  override async run(context: TurnContext): Promise<void> {
    const parsed = activitySchema.safeParse(context.activity);
    if (!parsed.success) {
      this.deps.log.warn(
        { type: context.activity.type, issues: parsed.error.issues.map((i) => i.path.join('.')).slice(0, 5) },
        'Teams activity not readable; ignored',
      );
      await this.answerInvoke(context, { status: 200 });
      return;
    }
    const activity = parsed.data;
    const tenant = tenantOf(activity);
    if (this.deps.tenantId !== undefined && tenant !== this.deps.tenantId) {
      this.deps.log.warn({ tenant, type: activity.type }, 'Teams activity from another tenant refused');
      await this.answerInvoke(context, { status: 403 });
      return;
    }
    try {
      await this.remember(activity);
    } catch (error) {
      this.deps.log.warn({ err: describeError(error) }, 'could not store the Teams conversation reference');
    }
    await super.run(context);
  }

  /** Waits for the commands in hand, at most `ms` (a graceful stop must end within seconds). */
  async drain(ms = 8000): Promise<void> {
    const deadline = Date.now() + ms;
    while (this.running.size > 0 && Date.now() < deadline) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
      });
      await Promise.race([Promise.allSettled([...this.running]), late]).finally(() => clearTimeout(timer));
    }
    if (this.running.size > 0)
      this.deps.log.warn(
        { running: this.running.size },
        'Teams commands still running at stop; left to the store',
      );
  }

  private track(work: Promise<void>): void {
    this.running.add(work);
    void work.finally(() => this.running.delete(work));
  }

  private async answerInvoke(context: TurnContext, value: InvokeResponse): Promise<void> {
    if (context.activity.type === 'invoke')
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value });
  }

  /** Conversation references, channel names and people, so later messages can reach them. */
  private async remember(a: SeenActivity): Promise<void> {
    // The same person in the same conversation through the same service URL is already stored:
    // the store is written when something changes (or once every few minutes), not on every message.
    const where = isChannel(a)
      ? baseChannel(a.channelData?.channel?.id ?? a.conversation.id)
      : a.conversation.id;
    const seen = JSON.stringify([
      a.serviceUrl,
      where,
      a.channelData?.channel?.name,
      a.from.aadObjectId,
      a.from.name,
    ]);
    const now = Date.now();
    if ((this.remembered.get(seen) ?? 0) > now) return;
    await this.store(a);
    if (this.remembered.size >= 10_000) this.remembered.clear();
    this.remembered.set(seen, now + REMEMBER_MS);
  }

  private async store(a: SeenActivity): Promise<void> {
    const { store } = this.deps;
    const tenantId = tenantOf(a);
    const common = { serviceUrl: a.serviceUrl, botId: a.recipient.id, ...(tenantId ? { tenantId } : {}) };
    const teamId = a.channelData?.team?.id;
    if (isChannel(a)) {
      const channel = a.channelData?.channel;
      await store.saveConversation({
        ...common,
        id: baseChannel(channel?.id ?? a.conversation.id),
        kind: 'channel',
        ...(channel?.name ? { name: channel.name } : {}),
        ...(teamId ? { teamId } : {}),
      });
    } else {
      const personal = a.conversation.conversationType === 'personal';
      await store.saveConversation({
        ...common,
        id: a.conversation.id,
        kind: personal ? 'personal' : 'groupChat',
        ...(personal && a.from.aadObjectId ? { userAad: a.from.aadObjectId } : {}),
      });
    }
    if (a.from.aadObjectId && a.from.id !== a.recipient.id)
      await store.saveUser({
        ...common,
        aadId: a.from.aadObjectId,
        teamsId: a.from.id,
        ...(a.from.name ? { name: a.from.name } : {}),
      });
  }

  /** The channel the core sees: a war-room thread the bot opened, else the channel (not the reply thread). */
  private async coreChannel(a: SeenActivity): Promise<string> {
    if (!isChannel(a)) return a.conversation.id;
    const exact = await this.deps.store.conversation(a.conversation.id);
    return exact?.kind === 'thread' ? exact.id : baseChannel(a.conversation.id);
  }

  /** Resolves once the command has run, or once the person has been told the bot is too busy to run it. */
  private queueCommand(a: SeenActivity): Promise<void> {
    const { queue } = this.deps;
    if (!queue) return this.runCommand(a);
    return new Promise<void>((resolve) => {
      if (queue.offer(() => this.runCommand(a).finally(resolve))) return;
      this.deps.log.warn(
        { activity: a.id, pending: queue.pending },
        'Teams command refused: the queue is full',
      );
      this.deps.platform
        .postPrivate(a.conversation.id, callerOf(a), textMessage(BUSY_TEXT))
        .catch((error: unknown) =>
          this.deps.log.warn({ err: describeError(error) }, 'could not tell a Teams user the bot is busy'),
        )
        .finally(resolve);
    });
  }

  private async runCommand(a: SeenActivity): Promise<void> {
    const { router, platform, log } = this.deps;
    const caller = callerOf(a);
    try {
      if (
        a.id &&
        this.deps.firstDelivery &&
        !(await this.deps.firstDelivery(`teams:${a.conversation.id}:${a.id}`))
      ) {
        log.info({ activity: a.id }, 'Teams message delivered again; acted on once already');
        return;
      }
      const text = commandText(a);
      if (text === '') {
        await platform.postPrivate(a.conversation.id, caller, MENTION_ONLY);
        return;
      }
      const channel = await this.coreChannel(a);
      const replies = await router.handleText({ text, caller, channel });
      // Answers for everyone go to the conversation the command was typed in (its thread).
      await deliverReplies(platform, replies, { channel: a.conversation.id, caller });
    } catch (error) {
      log.error({ err: describeError(error) }, 'Teams command not answered');
    }
  }

  protected override async onInvokeActivity(context: TurnContext): Promise<InvokeResponse> {
    // Invokes the bot does not handle (message extensions, tabs …) get a quiet 200, never a 5xx.
    if (context.activity.name !== 'adaptiveCard/action') return { status: 200 };
    const parsed = activitySchema.safeParse(context.activity);
    if (!parsed.success) return { status: 200 };
    try {
      const body = await this.onCardAction(parsed.data);
      return { status: 200, body };
    } catch (error) {
      this.deps.log.error({ err: describeError(error) }, 'Teams card action failed');
      return { status: 200, body: toastOf('That click could not be handled. Nothing more ran; try again.') };
    }
  }

  /** A button: the stored action runs as the clicker; the answer is the card as it stands after it. */
  private async onCardAction(a: SeenActivity): Promise<AdaptiveCardInvokeResponse> {
    const { router, platform } = this.deps;
    const value = cardActionSchema.safeParse(a.value);
    if (!value.success || value.data.action.verb !== ACTION_VERB) return toastOf(UNKNOWN_BUTTON);
    const actionId = value.data.action.data.actionId;
    const caller = callerOf(a);
    const posted = await this.clickedCard(a);
    const channel = await this.coreChannel(a);
    const work = router.handleAction({ actionId, caller, channel }).then(async (outcome) => {
      if (outcome.clicked && posted) {
        const current = (await platform.storedCard(posted)) ?? posted.message;
        await platform.rememberCard(posted, clickedMessage(current, actionId, outcome.clicked.note));
      }
      return outcome;
    });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), CARD_ANSWER_MS);
    });
    const outcome = await Promise.race([work, late]).finally(() => clearTimeout(timer));
    if (outcome === 'late') {
      // The action goes on; its replies follow in the person's chat, its card updates by itself.
      this.track(work.then((o) => this.deliver(a, o.replies ?? [], caller)).then(() => undefined));
    } else {
      const replies = outcome.replies ?? [];
      const refusal = !outcome.clicked
        ? replies.find((r) => r.kind === 'message' && r.to === 'caller')
        : undefined;
      this.track(this.deliver(a, replies, caller));
      if (refusal?.kind === 'message') return toastOf(refusal.message.text);
    }
    const card = posted ? await platform.storedCard(posted) : undefined;
    if (!card) return toastOf('Done.');
    return {
      statusCode: 200,
      type: 'application/vnd.microsoft.card.adaptive',
      value: (await platform.activityOf(card)).attachments?.[0]?.content as Record<string, unknown>,
    };
  }

  private async deliver(
    a: SeenActivity,
    replies: Parameters<typeof deliverReplies>[1],
    caller: string,
  ): Promise<void> {
    try {
      await deliverReplies(this.deps.platform, replies, { channel: a.conversation.id, caller });
    } catch (error) {
      this.deps.log.warn({ err: describeError(error) }, 'replies to a Teams card action not delivered');
    }
  }

  /** The card that was clicked, as the bot posted it (stored under the conversation it was posted to). */
  private async clickedCard(
    a: SeenActivity,
  ): Promise<{ channel: string; id: string; message: Message } | undefined> {
    if (!a.replyToId) return undefined;
    for (const channel of new Set([a.conversation.id, baseChannel(a.conversation.id)])) {
      const posted = { channel, id: a.replyToId };
      const message = await this.deps.platform.storedCard(posted);
      if (message) return { ...posted, message };
    }
    return undefined;
  }
}
