// The console adapter: reads commands line by line and prints every answer. Meta-commands of the
// console: `as <user> <command>`, `press <ref>`, `in #<channel> <command>`, `join #<channel>`,
// `wait <duration>`, `quit`.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseDuration } from '../../core/duration.js';
import type { Router } from '../../commands/router.js';
import { deliverReplies } from '../deliver.js';
import { textMessage } from '../message.js';
import type { ConsolePlatform } from './console-platform.js';

const MAX_WAIT_MS = 3_600_000;

export interface ConsoleOptions {
  user: string;
  channel: string;
}

export class ConsoleSession {
  private channel: string;

  constructor(
    private readonly platform: ConsolePlatform,
    private readonly router: Router,
    private readonly options: ConsoleOptions,
  ) {
    this.channel = options.channel;
    // As a Slack invitation puts the war room in front of its user, the console moves its user there:
    // the next `incident …` acts on the incident just declared.
    platform.onInvite = (channel, users) => {
      if (!users.includes(this.options.user) || channel === this.channel) return;
      this.channel = channel;
      this.followed = channel;
    };
  }

  /** The channel the session followed its user into during the last line, if any. */
  private followed: string | undefined;

  get currentChannel(): string {
    return this.channel;
  }

  /** Runs one line; returns false when the user asked to quit. */
  async runLine(line: string, user = this.options.user, channel = this.channel): Promise<boolean> {
    const text = line.trim();
    if (text === '') return true;
    const [first = '', ...rest] = text.split(/\s+/);
    const restText = rest.join(' ');
    switch (first.toLowerCase()) {
      case 'quit':
      case 'exit':
        return false;
      case 'as':
        if (rest.length < 2) return this.say(channel, user, 'Usage: as <user> <command>');
        return this.runLine(rest.slice(1).join(' '), rest[0], channel);
      case 'in': {
        const target = rest[0]?.replace(/^#/, '');
        if (!target || rest.length < 2) return this.say(channel, user, 'Usage: in #<channel> <command>');
        return this.runLine(rest.slice(1).join(' '), user, target);
      }
      case 'join': {
        const target = rest[0]?.replace(/^#/, '');
        if (!target) return this.say(channel, user, 'Usage: join #<channel>');
        this.channel = target;
        return this.say(target, user, `You are now in #${target}.`);
      }
      case 'press':
        await this.press(restText, user, channel);
        return true;
      case 'wait': {
        const ms = parseDuration(restText);
        if (ms === undefined || ms > MAX_WAIT_MS)
          return this.say(channel, user, 'Usage: wait <duration>, such as wait 5s (at most 1h)');
        await sleep(ms);
        return true;
      }
      default: {
        const replies = await this.router.handleText({ text, caller: user, channel });
        await deliverReplies(this.platform, replies, { channel, caller: user });
        await this.sayFollowed();
        return true;
      }
    }
  }

  private async press(ref: string, user: string, channel: string): Promise<void> {
    const actionId = this.platform.actionFor(ref.trim());
    if (actionId === undefined) {
      await this.say(channel, user, `There is no button ${ref.trim() || '?'}; buttons print as [a1] Label.`);
      return;
    }
    const source = this.platform.sourceFor(ref.trim());
    const where = source?.channel ?? channel;
    const outcome = await this.router.handleAction({ actionId, caller: user, channel: where });
    // A click that did its job: its button is gone (as in Slack) and a line says who did what.
    if (outcome.clicked) this.platform.noteClicked(ref.trim(), where, outcome.clicked.note);
    await deliverReplies(this.platform, outcome.replies ?? [], { channel: where, caller: user });
  }

  private async sayFollowed(): Promise<void> {
    const followed = this.followed;
    this.followed = undefined;
    if (followed !== undefined)
      await this.say(followed, this.options.user, `You were invited: you are now in #${followed}.`);
  }

  private async say(channel: string, user: string, text: string): Promise<true> {
    await this.platform.postPrivate(channel, user, textMessage(text));
    return true;
  }
}

/** Reads lines until the end of input (or `quit`), running each in turn. */
export async function runConsole(
  session: ConsoleSession,
  input: Readable,
  output: Writable,
  interactive: boolean,
): Promise<void> {
  const rl = createInterface({ input, output: interactive ? output : undefined, terminal: interactive });
  const prompt = () => {
    if (interactive) {
      rl.setPrompt(`${session.currentChannel}> `);
      rl.prompt();
    }
  };
  prompt();
  for await (const line of rl) {
    const keepGoing = await session.runLine(line);
    if (!keepGoing) break;
    prompt();
  }
  rl.close();
}
