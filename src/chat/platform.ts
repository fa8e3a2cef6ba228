// The ChatPlatform port: everything the core needs of Slack, Teams or the console.
import type { Form, Message } from './message.js';

/** A message as posted: where, and the platform's id for it (Slack `ts`). */
export interface PostedMessage {
  channel: string;
  id: string;
}

/** A text file shared in a channel (a drafted review). */
export interface ChatFile {
  /** File name with its extension, e.g. `INC-7-review.md`. */
  name: string;
  title: string;
  content: string;
}

/** Where a shared file can be found again, when the platform gives a link. */
export interface SharedFile {
  link?: string;
}

export type CreateChannelResult =
  { ok: true; id: string; name: string } | { ok: false; reason: 'name_taken' };

export interface ChatPlatform {
  readonly name: 'console' | 'slack' | 'teams';
  /** Whether `openForm` works (Slack modals); otherwise callers fall back to usage text. */
  readonly supportsForms: boolean;
  post(channel: string, message: Message): Promise<PostedMessage>;
  update(posted: PostedMessage, message: Message): Promise<void>;
  /** A message only `user` sees in `channel`. */
  postPrivate(channel: string, user: string, message: Message): Promise<void>;
  directMessage(user: string, message: Message): Promise<void>;
  createChannel(name: string): Promise<CreateChannelResult>;
  setTopic(channel: string, topic: string): Promise<void>;
  invite(channel: string, users: readonly string[]): Promise<void>;
  /** Resolves a channel name (`incidents`) or id to the id to post to. */
  resolveChannel(nameOrId: string): Promise<string>;
  displayName(user: string): Promise<string>;
  /** Shares a text file in a channel: Slack files.uploadV2, a Teams attachment, printed in the console. */
  uploadFile(channel: string, file: ChatFile): Promise<SharedFile>;
  /**
   * Opens a form for the user; `trigger` is the platform's short-lived handle (Slack trigger_id).
   * `channel` is where the command was typed: answers to the submission go there.
   */
  openForm(trigger: string, form: Form, channel?: string): Promise<void>;
}

/** Whether a request can open a form: the platform has them and gave a handle (`trigger`) to open one. */
export const canOpenForm = (platform: ChatPlatform, trigger: string | undefined): trigger is string =>
  platform.supportsForms && trigger !== undefined;
