// Slack as a ChatPlatform: every port method is one or two Web API calls through Bolt's WebClient
// (which bounds each call with a timeout and retries HTTP 429 after Retry-After). A private answer,
// the most frequent, is tried first as one plain JSON call (web-api-first-try.ts).
import type { types, webApi } from '@slack/bolt';
import { BoundedMap } from '../../core/bounded-map.js';
import { notFound } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Form, Message } from '../message.js';
import type { ChatFile, ChatPlatform, CreateChannelResult, PostedMessage, SharedFile } from '../platform.js';
import { renderMessage } from './block-kit.js';
import { slackCall, slackErrorOf, toOpsError } from './slack-errors.js';
import { renderForm, type FormOrigin } from './slack-form.js';
import { SLACK_LIMITS } from './slack-limits.js';
import { mrkdwn } from './slack-text.js';
import type { WebApiFirstTry } from './web-api-first-try.js';

const CHANNEL_ID = /^[CGD][A-Z0-9]{6,}$/;
/** Only Slack user ids are looked up: other actors (the bot, a webhook) are names already. */
const USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const NAME_TTL_MS = 60 * 60 * 1000;
const MAX_NAMES = 5000;
const MAX_CHANNELS = 10_000;
/** conversations.list pages of 200: enough for 5,000 public channels, and a bound on the search. */
const LIST_PAGE = 200;
const MAX_LIST_PAGES = 25;
/** Where an ephemeral message cannot go, the caller gets it as a direct message instead. */
const EPHEMERAL_FALLBACK = new Set([
  'channel_not_found',
  'not_in_channel',
  'user_not_in_channel',
  'is_archived',
]);

export class SlackPlatform implements ChatPlatform {
  readonly name = 'slack' as const;
  readonly supportsForms = true;
  // Bounded: a long-running process meets ever more users and channels.
  private readonly names = new BoundedMap<string, { name: string; until: number }>(MAX_NAMES);
  private readonly channelIds = new BoundedMap<string, string>(MAX_CHANNELS);
  private readonly dmChannels = new BoundedMap<string, string>(MAX_NAMES);

  /**
   * `once` makes the calls that must not happen twice (a post, a channel creation): a client that
   * retries only what Slack refused to do (HTTP 429), never a call whose answer was lost, which may
   * have been done. The outbox retries those, knowing what an earlier attempt may have done.
   */
  constructor(
    private readonly client: webApi.WebClient,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly once: webApi.WebClient = client,
    /** How a private answer is tried first (web-api-first-try.ts); by default straight through `client`. */
    private readonly firstTry: WebApiFirstTry = (_method, _args, viaClient) => viaClient(),
  ) {}

  async post(channel: string, message: Message): Promise<PostedMessage> {
    const { text, blocks } = renderMessage(message);
    const result = await slackCall('chat.postMessage', () =>
      this.once.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false }),
    );
    return { channel: result.channel ?? channel, id: result.ts ?? '' };
  }

  async update(posted: PostedMessage, message: Message): Promise<void> {
    const { text, blocks } = renderMessage(message);
    await slackCall('chat.update', () =>
      this.client.chat.update({ channel: posted.channel, ts: posted.id, text, blocks }),
    );
  }

  /** Edits a posted message with blocks as Slack holds them (a clicked message, see slack-clicked.ts). */
  async replaceBlocks(
    channel: string,
    ts: string,
    text: string,
    blocks: Array<types.KnownBlock | types.Block>,
  ): Promise<void> {
    await slackCall('chat.update', () => this.client.chat.update({ channel, ts, text, blocks }));
  }

  async postPrivate(channel: string, user: string, message: Message): Promise<void> {
    const { text, blocks } = renderMessage(message);
    try {
      await this.firstTry('chat.postEphemeral', { channel, user, text, blocks }, () =>
        this.client.chat.postEphemeral({ channel, user, text, blocks }),
      );
    } catch (error) {
      const reason = slackErrorOf(error);
      if (reason === undefined || !EPHEMERAL_FALLBACK.has(reason))
        throw toOpsError('chat.postEphemeral', error);
      this.log.debug(
        { channel, reason },
        'ephemeral message not possible here; sending it as a direct message',
      );
      await this.directMessage(user, message);
    }
  }

  async directMessage(user: string, message: Message): Promise<void> {
    let channel = this.dmChannels.get(user);
    if (channel === undefined) {
      const opened = await slackCall('conversations.open', () =>
        this.client.conversations.open({ users: user }),
      );
      channel = opened.channel?.id ?? user;
      this.dmChannels.set(user, channel);
    }
    await this.post(channel, message);
  }

  async createChannel(name: string): Promise<CreateChannelResult> {
    try {
      const result = await this.once.conversations.create({ name, is_private: false });
      const id = result.channel?.id ?? '';
      const created = result.channel?.name ?? name;
      this.channelIds.set(created, id);
      return { ok: true, id, name: created };
    } catch (error) {
      if (slackErrorOf(error) === 'name_taken') return { ok: false, reason: 'name_taken' };
      throw toOpsError('conversations.create', error);
    }
  }

  async setTopic(channel: string, topic: string): Promise<void> {
    await slackCall('conversations.setTopic', () =>
      this.client.conversations.setTopic({ channel, topic: mrkdwn(topic, SLACK_LIMITS.channelTopic) }),
    );
  }

  async invite(channel: string, users: readonly string[]): Promise<void> {
    const unique = [...new Set(users.filter((u) => u.trim() !== ''))];
    // Slack takes up to 1000 users a call; `force` invites the valid ones when some are not.
    for (let i = 0; i < unique.length; i += 1000) {
      const batch = unique.slice(i, i + 1000).join(',');
      try {
        await this.client.conversations.invite({ channel, users: batch, force: true });
      } catch (error) {
        const reason = slackErrorOf(error);
        if (reason === 'already_in_channel' || reason === 'cant_invite_self') continue;
        throw toOpsError('conversations.invite', error);
      }
    }
  }

  async resolveChannel(nameOrId: string): Promise<string> {
    const trimmed = nameOrId.trim().replace(/^#/, '');
    if (CHANNEL_ID.test(trimmed)) return trimmed;
    const name = trimmed.toLowerCase();
    const known = this.channelIds.get(name);
    if (known !== undefined) return known;
    let cursor: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page += 1) {
      const result = await slackCall('conversations.list', () =>
        this.client.conversations.list({
          types: 'public_channel',
          exclude_archived: true,
          limit: LIST_PAGE,
          cursor,
        }),
      );
      for (const c of result.channels ?? []) if (c.id && c.name) this.channelIds.set(c.name, c.id);
      const found = this.channelIds.get(name);
      if (found !== undefined) return found;
      cursor = result.response_metadata?.next_cursor;
      if (!cursor) break;
    }
    throw notFound(`There is no public channel #${name} in this Slack workspace.`);
  }

  async displayName(user: string): Promise<string> {
    if (!USER_ID.test(user)) return user;
    const cached = this.names.get(user);
    if (cached && cached.until > this.now()) return cached.name;
    try {
      const result = await this.client.users.info({ user });
      const u = result.user;
      const name = u?.profile?.display_name || u?.profile?.real_name || u?.real_name || u?.name || user;
      this.names.set(user, { name, until: this.now() + NAME_TTL_MS });
      return name;
    } catch (error) {
      // A name is a nicety: without one, the id still identifies the person.
      this.log.warn({ user, reason: slackErrorOf(error) ?? 'no answer' }, 'users.info failed');
      return user;
    }
  }

  async uploadFile(channel: string, file: ChatFile): Promise<SharedFile> {
    const result = await slackCall('files.uploadV2', () =>
      this.client.filesUploadV2({
        channel_id: channel,
        filename: file.name,
        title: file.title,
        content: file.content,
        snippet_type: 'markdown',
      }),
    );
    // files.uploadV2 answers one completion per file, each listing the files it shared.
    const completions = (result.files ?? []) as Array<{ files?: Array<{ permalink?: string }> }>;
    const link = completions.flatMap((c) => c.files ?? []).find((f) => f.permalink)?.permalink;
    return link === undefined ? {} : { link };
  }

  /** `origin`: the message whose button opened the form, edited if the submission marks it clicked. */
  async openForm(trigger: string, form: Form, channel?: string, origin?: FormOrigin): Promise<void> {
    await slackCall('views.open', () =>
      this.client.views.open({ trigger_id: trigger, view: renderForm(form, channel, origin) }),
    );
  }
}
