// Teams as a ChatPlatform. Every message is an Adaptive Card posted through a conversation
// reference kept in the store (so a reminder sent by another replica, or after a restart, reaches
// the same place). Private answers go to the person's personal chat: Teams has no message that only
// one member of a channel sees. A war room is a channel made through Microsoft Graph when it is
// configured, else a new thread in the incidents channel.
import type { Activity } from 'botbuilder';
import { notFound } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { mention, splitMentions, textMessage, type Form, type Message } from '../message.js';
import type { ChatFile, ChatPlatform, CreateChannelResult, PostedMessage, SharedFile } from '../platform.js';
import { renderCard } from './adaptive-card.js';
import { referenceOf, type TeamsConnector } from './teams-connector.js';
import type { StoredConversation, TeamsStore } from './teams-store.js';

/** Microsoft Graph's part in war rooms (graph-war-rooms.ts); absent without GRAPH_* settings. */
export interface WarRoomChannels {
  /** Creates a standard channel in the team; `name_taken` when one has that name already. */
  create(name: string): Promise<CreateChannelResult & { teamId?: string }>;
  describe(channelId: string, description: string): Promise<void>;
  /** Makes sure the people (AAD object ids) are members of the team that holds the channel. */
  addMembers(channelId: string, users: readonly string[]): Promise<void>;
}

export interface TeamsPlatformOptions {
  connector: TeamsConnector;
  store: TeamsStore;
  log: Logger;
  /** Where a war-room thread starts when Graph is not configured (OATIE_INCIDENTS_CHANNEL). */
  incidentsChannel: string;
  /** Tenant of a single-tenant app: new conversations are made there. */
  tenantId?: string;
  /** Names the policy gives people (by AAD object id), for mentions and tables. */
  knownName?: (user: string) => string | undefined;
  warRooms?: WarRoomChannels;
}

export const CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';
/** A Teams conversation or channel id (19:…, a:…, 29:…) as opposed to a channel name. */
const CONVERSATION_ID = /^(19|a|29|8):\S+$/;

const baseChannel = (id: string): string => id.replace(/;messageid=\d+$/, '');

export class TeamsPlatform implements ChatPlatform {
  readonly name = 'teams' as const;
  readonly supportsForms = false;

  constructor(private readonly options: TeamsPlatformOptions) {}

  private get store(): TeamsStore {
    return this.options.store;
  }

  /** The activity that carries a message as a card, its names resolved for mentions. */
  async activityOf(message: Message): Promise<Partial<Activity>> {
    const { card, summary } = renderCard(message, await this.namesIn(message));
    return {
      type: 'message',
      summary,
      attachments: [{ contentType: CARD_CONTENT_TYPE, content: card }],
    };
  }

  private async namesIn(message: Message): Promise<Map<string, string>> {
    const texts = message.blocks.flatMap((b) => {
      switch (b.kind) {
        case 'fields':
          return b.fields.map((f) => f.value);
        case 'table':
          return b.rows.flat();
        case 'actions':
        case 'divider':
          return [];
        default:
          return [b.text];
      }
    });
    const ids = new Set(
      texts.flatMap((t) => splitMentions(t).flatMap((p) => (p.kind === 'text' ? [] : [p.id]))),
    );
    const names = new Map<string, string>();
    for (const id of ids) {
      const conversation = id.startsWith('19:') ? await this.store.conversation(id) : undefined;
      names.set(id, conversation?.name ?? (await this.displayName(id)));
    }
    return names;
  }

  /** The stored conversation behind an id; one never seen borrows a known service URL (same tenant). */
  private async conversation(id: string): Promise<StoredConversation> {
    const known = await this.store.conversation(id);
    if (known) return known;
    const someConversation = await this.store.anyConversation(this.options.tenantId);
    if (!someConversation)
      throw notFound(
        'The bot has not heard from Teams yet, so it cannot post there: add the app to the team and mention it once.',
      );
    const kind = id.startsWith('19:') ? (id.includes(';messageid=') ? 'thread' : 'channel') : 'groupChat';
    return {
      id,
      kind,
      serviceUrl: someConversation.serviceUrl,
      botId: someConversation.botId,
      tenantId: someConversation.tenantId ?? this.options.tenantId,
    };
  }

  async post(channel: string, message: Message): Promise<PostedMessage> {
    const conversation = await this.conversation(channel);
    const id = await this.options.connector.send(referenceOf(conversation), await this.activityOf(message));
    await this.store.saveCard(channel, id, message);
    return { channel, id };
  }

  async update(posted: PostedMessage, message: Message): Promise<void> {
    const conversation = await this.conversation(posted.channel);
    const activity = { ...(await this.activityOf(message)), id: posted.id };
    await this.options.connector.update(referenceOf(conversation), activity);
    await this.store.saveCard(posted.channel, posted.id, message);
  }

  /** Remembers the message behind a card that Teams itself replaced (a card action's answer). */
  async rememberCard(posted: PostedMessage, message: Message): Promise<void> {
    await this.store.saveCard(posted.channel, posted.id, message);
  }

  async storedCard(posted: PostedMessage): Promise<Message | undefined> {
    return this.store.card(posted.channel, posted.id);
  }

  /** Teams has no message that one member of a channel alone sees: it goes to their personal chat. */
  async postPrivate(_channel: string, user: string, message: Message): Promise<void> {
    await this.directMessage(user, message);
  }

  async directMessage(user: string, message: Message): Promise<void> {
    const chat = (await this.store.personalChat(user)) ?? (await this.openPersonalChat(user));
    await this.post(chat.id, message);
  }

  /** Opens a personal chat with someone the bot knows by AAD object id (their Teams id if it has seen them). */
  private async openPersonalChat(user: string): Promise<StoredConversation> {
    const known = await this.store.user(user);
    const someConversation = known ?? (await this.store.anyConversation(this.options.tenantId));
    if (!someConversation)
      throw notFound(
        'The bot cannot write to that person yet: nobody has talked to it in Teams. Add the app and mention it once.',
      );
    const tenantId =
      known?.tenantId ??
      this.options.tenantId ??
      ('tenantId' in someConversation ? someConversation.tenantId : undefined);
    const botId =
      'botId' in someConversation
        ? someConversation.botId
        : ((await this.store.anyConversation())?.botId ?? '');
    const id = await this.options.connector.createConversation(someConversation.serviceUrl, {
      isGroup: false,
      bot: { id: botId, name: '' },
      members: [{ id: known?.teamsId ?? user, name: '' }],
      tenantId,
      channelData: { tenant: { id: tenantId } },
    });
    const chat: StoredConversation = {
      id,
      kind: 'personal',
      serviceUrl: someConversation.serviceUrl,
      botId,
      userAad: user,
      ...(tenantId === undefined ? {} : { tenantId }),
    };
    await this.store.saveConversation(chat);
    return chat;
  }

  async createChannel(name: string): Promise<CreateChannelResult> {
    const warRooms = this.options.warRooms;
    if (warRooms) {
      const created = await warRooms.create(name);
      if (created.ok) {
        const someConversation = await this.conversation(
          await this.resolveChannel(this.options.incidentsChannel),
        ).catch(() => this.store.anyConversation(this.options.tenantId));
        if (someConversation)
          await this.store.saveConversation({
            id: created.id,
            kind: 'channel',
            serviceUrl: someConversation.serviceUrl,
            botId: someConversation.botId,
            name: created.name,
            ...(created.teamId === undefined ? {} : { teamId: created.teamId }),
            ...(someConversation.tenantId === undefined ? {} : { tenantId: someConversation.tenantId }),
          });
      }
      return created;
    }
    return this.openThread(name);
  }

  /** Without Graph, the war room is a new thread in the incidents channel, started by a card naming it. */
  private async openThread(name: string): Promise<CreateChannelResult> {
    const channelId = await this.resolveChannel(this.options.incidentsChannel);
    const channel = await this.conversation(channelId);
    const starter = textMessage(
      `🚨 War room ${name}: reply in this thread; commands typed here act on its incident.`,
    );
    const id = await this.options.connector.createConversation(channel.serviceUrl, {
      isGroup: true,
      bot: { id: channel.botId, name: '' },
      tenantId: channel.tenantId,
      channelData: { channel: { id: baseChannel(channelId) }, tenant: { id: channel.tenantId } },
      activity: (await this.activityOf(starter)) as Activity,
    });
    await this.store.saveConversation({
      id,
      kind: 'thread',
      serviceUrl: channel.serviceUrl,
      botId: channel.botId,
      name,
      ...(channel.tenantId === undefined ? {} : { tenantId: channel.tenantId }),
      ...(channel.teamId === undefined ? {} : { teamId: channel.teamId }),
    });
    return { ok: true, id, name };
  }

  /** A channel made through Graph gets the topic as its description; a thread has nowhere to keep one. */
  async setTopic(channel: string, topic: string): Promise<void> {
    const conversation = await this.store.conversation(channel);
    if (this.options.warRooms && conversation?.kind === 'channel') {
      await this.options.warRooms.describe(channel, topic);
      return;
    }
    this.options.log.debug({ channel }, 'a Teams thread has no topic; left as is');
  }

  /**
   * Graph: the people become members of the war room's team. Either way they are mentioned in the
   * war room, which is what makes Teams notify them.
   */
  async invite(channel: string, users: readonly string[]): Promise<void> {
    const unique = [...new Set(users.filter((u) => u.trim() !== ''))];
    if (unique.length === 0) return;
    const conversation = await this.store.conversation(channel);
    if (this.options.warRooms && conversation?.kind === 'channel')
      await this.options.warRooms.addMembers(channel, unique);
    await this.post(
      channel,
      textMessage(`Paging ${unique.map((u) => mention(u)).join(', ')}: you are wanted here.`),
    );
  }

  async resolveChannel(nameOrId: string): Promise<string> {
    const trimmed = nameOrId.trim().replace(/^#/, '');
    if (CONVERSATION_ID.test(trimmed)) return trimmed;
    const known = await this.store.channelNamed(trimmed);
    if (known) return known.id;
    // Ask the connector for the channels of the teams the bot has seen, and remember their names.
    const someConversation = await this.store.anyConversation(this.options.tenantId);
    if (someConversation?.teamId) {
      const channels = await this.options.connector.teamChannels(
        referenceOf(someConversation),
        someConversation.teamId,
      );
      for (const c of channels)
        await this.store.saveConversation({
          id: c.id,
          kind: 'channel',
          serviceUrl: someConversation.serviceUrl,
          botId: someConversation.botId,
          name: c.name,
          teamId: someConversation.teamId,
          ...(someConversation.tenantId === undefined ? {} : { tenantId: someConversation.tenantId }),
        });
      const found = channels.find((c) => c.name.toLowerCase() === trimmed.toLowerCase());
      if (found) return found.id;
    }
    throw notFound(
      `There is no Teams channel named ${trimmed} that the bot can see: add the app to its team, or set OATIE_INCIDENTS_CHANNEL to the channel id (19:…).`,
    );
  }

  async displayName(user: string): Promise<string> {
    const known = this.options.knownName?.(user);
    if (known !== undefined) return known;
    return (await this.store.user(user).catch(() => undefined))?.name ?? user;
  }

  /**
   * A bot cannot put a file in a channel without SharePoint: the file is shown as a card (title, name,
   * its text in fixed width, cut with "… N more lines" past Teams' message size).
   */
  async uploadFile(channel: string, file: ChatFile): Promise<SharedFile> {
    await this.post(channel, {
      text: file.title,
      blocks: [
        { kind: 'header', text: file.title },
        { kind: 'context', text: file.name },
        { kind: 'code', text: file.content },
      ],
    });
    return {};
  }

  openForm(_trigger: string, form: Form): Promise<void> {
    return Promise.reject(notFound(`${form.title}: Teams cannot show this form; type the command instead.`));
  }
}
