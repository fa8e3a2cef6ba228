// A chat platform that records everything the core does, for tests of the core without an adapter.
import type { Form, Message } from '../../src/chat/message.js';
import type {
  ChatFile,
  ChatPlatform,
  CreateChannelResult,
  PostedMessage,
  SharedFile,
} from '../../src/chat/platform.js';
import { renderText } from '../../src/chat/console/render-text.js';

export type Recorded =
  | { op: 'post'; channel: string; message: Message; id: string }
  | { op: 'update'; channel: string; id: string; message: Message }
  | { op: 'private'; channel: string; user: string; message: Message }
  | { op: 'dm'; user: string; message: Message }
  | { op: 'create'; name: string }
  | { op: 'topic'; channel: string; topic: string }
  | { op: 'invite'; channel: string; users: string[] }
  | { op: 'form'; trigger: string; form: Form }
  | { op: 'file'; channel: string; file: ChatFile };

/** A message as the console prints it, buttons as `[Label] Label`. */
export const consoleText = (message: Message): string => renderText(message, (b) => b.label);

export class RecordingPlatform implements ChatPlatform {
  readonly name = 'console' as const;
  supportsForms = false;
  readonly calls: Recorded[] = [];
  readonly channels = new Set<string>();
  private next = 0;

  post(channel: string, message: Message): Promise<PostedMessage> {
    this.next += 1;
    const id = String(this.next);
    this.calls.push({ op: 'post', channel, message, id });
    return Promise.resolve({ channel, id });
  }
  update(posted: PostedMessage, message: Message): Promise<void> {
    this.calls.push({ op: 'update', channel: posted.channel, id: posted.id, message });
    return Promise.resolve();
  }
  postPrivate(channel: string, user: string, message: Message): Promise<void> {
    this.calls.push({ op: 'private', channel, user, message });
    return Promise.resolve();
  }
  directMessage(user: string, message: Message): Promise<void> {
    this.calls.push({ op: 'dm', user, message });
    return Promise.resolve();
  }
  createChannel(name: string): Promise<CreateChannelResult> {
    if (this.channels.has(name)) return Promise.resolve({ ok: false, reason: 'name_taken' });
    this.channels.add(name);
    this.calls.push({ op: 'create', name });
    return Promise.resolve({ ok: true, id: name, name });
  }
  setTopic(channel: string, topic: string): Promise<void> {
    this.calls.push({ op: 'topic', channel, topic });
    return Promise.resolve();
  }
  invite(channel: string, users: readonly string[]): Promise<void> {
    this.calls.push({ op: 'invite', channel, users: [...users] });
    return Promise.resolve();
  }
  resolveChannel(nameOrId: string): Promise<string> {
    return Promise.resolve(nameOrId.replace(/^#/, ''));
  }
  displayName(user: string): Promise<string> {
    return Promise.resolve(user);
  }
  uploadFile(channel: string, file: ChatFile): Promise<SharedFile> {
    this.calls.push({ op: 'file', channel, file });
    return Promise.resolve({ link: `file:${file.name}` });
  }
  openForm(trigger: string, form: Form): Promise<void> {
    this.calls.push({ op: 'form', trigger, form });
    return Promise.resolve();
  }

  /** Every message posted to a channel, as console text. */
  postsIn(channel: string): string[] {
    return this.calls.flatMap((c) =>
      c.op === 'post' && c.channel === channel ? [consoleText(c.message)] : [],
    );
  }
}
