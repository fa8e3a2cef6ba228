// The console as a chat platform: every post is printed to standard output, channels are names.
import type { Writable } from 'node:stream';
import type { Button, Form, Message } from '../message.js';
import type { ChatFile, ChatPlatform, CreateChannelResult, PostedMessage, SharedFile } from '../platform.js';
import { plainText, renderText } from './render-text.js';

export class ConsolePlatform implements ChatPlatform {
  readonly name = 'console' as const;
  readonly supportsForms = false;
  private readonly channels = new Set<string>();
  private readonly topics = new Map<string, string>();
  private readonly buttonRefs = new Map<string, string>();
  private readonly refsByAction = new Map<string, string>();
  private readonly sources = new Map<string, PostedMessage>();
  private current: PostedMessage | undefined;
  private posted = 0;
  /** Refs are never reused, even after a pressed button is retired. */
  private refCount = 0;

  constructor(private readonly out: Writable) {}

  /** The stored action id behind a printed reference such as `a1`. */
  actionFor(ref: string): string | undefined {
    return this.buttonRefs.get(ref.toLowerCase());
  }

  /** The message a printed button was on. */
  sourceFor(ref: string): PostedMessage | undefined {
    return this.sources.get(ref.toLowerCase());
  }

  /** After a click that did its job: the button cannot be pressed again, and one line says who did what. */
  noteClicked(ref: string, channel: string, note: string): void {
    const key = ref.toLowerCase();
    const posted = this.sources.get(key);
    const actionId = this.buttonRefs.get(key);
    this.buttonRefs.delete(key);
    this.sources.delete(key);
    if (actionId !== undefined) this.refsByAction.delete(actionId);
    const where = posted ? `#${posted.channel} (message ${posted.id})` : `#${channel}`;
    this.out.write(`--- ${where} ${plainText(note).replace(/\s+/g, ' ')} ---\n\n`);
  }

  private ref = (button: Button): string => {
    const known = this.refsByAction.get(button.actionId);
    if (known === undefined) this.refCount += 1;
    const ref = known ?? `a${this.refCount}`;
    this.buttonRefs.set(ref, button.actionId);
    this.refsByAction.set(button.actionId, ref);
    if (this.current) this.sources.set(ref, this.current);
    return ref;
  };

  print(heading: string, message: Message): void {
    this.out.write(`--- ${heading} ---\n${renderText(message, this.ref)}\n\n`);
  }

  /** Prints a message that `press` can find again: its buttons remember `posted`. */
  private printPosted(posted: PostedMessage, heading: string, message: Message): void {
    this.current = posted;
    this.print(heading, message);
    this.current = undefined;
  }

  post(channel: string, message: Message): Promise<PostedMessage> {
    this.posted += 1;
    const posted = { channel, id: String(this.posted) };
    this.printPosted(posted, `#${channel}`, message);
    return Promise.resolve(posted);
  }

  update(posted: PostedMessage, message: Message): Promise<void> {
    this.printPosted(posted, `#${posted.channel} (message ${posted.id} updated)`, message);
    return Promise.resolve();
  }

  postPrivate(channel: string, user: string, message: Message): Promise<void> {
    this.print(`#${channel} (only @${user} sees this)`, message);
    return Promise.resolve();
  }

  directMessage(user: string, message: Message): Promise<void> {
    this.print(`direct message to @${user}`, message);
    return Promise.resolve();
  }

  createChannel(name: string): Promise<CreateChannelResult> {
    if (this.channels.has(name)) return Promise.resolve({ ok: false, reason: 'name_taken' });
    this.channels.add(name);
    this.out.write(`--- #${name} created ---\n\n`);
    return Promise.resolve({ ok: true, id: name, name });
  }

  setTopic(channel: string, topic: string): Promise<void> {
    this.topics.set(channel, topic);
    return Promise.resolve();
  }

  /** Called with each invitation (a channel and who): the session follows its user into it. */
  onInvite: ((channel: string, users: readonly string[]) => void) | undefined;

  invite(channel: string, users: readonly string[]): Promise<void> {
    this.onInvite?.(channel, users);
    if (users.length > 0)
      this.out.write(`--- #${channel}: invited ${users.map((u) => `@${u}`).join(', ')} ---\n\n`);
    return Promise.resolve();
  }

  resolveChannel(nameOrId: string): Promise<string> {
    return Promise.resolve(nameOrId.replace(/^#/, ''));
  }

  displayName(user: string): Promise<string> {
    return Promise.resolve(user);
  }

  uploadFile(channel: string, file: ChatFile): Promise<SharedFile> {
    this.out.write(
      `--- #${channel}: file ${file.name} (${file.title}) ---\n${file.content.trimEnd()}\n--- end of ${file.name} ---\n\n`,
    );
    return Promise.resolve({ link: file.name });
  }

  openForm(_trigger: string, _form: Form): Promise<void> {
    return Promise.reject(new Error('the console has no forms'));
  }
}
