// What a command handler and a button-action handler are, and how they answer.
import type { Services } from '../core/services.js';
import type { Form, Message } from '../chat/message.js';
import type { PostedMessage } from '../chat/platform.js';
import type { ArgsOf, CommandName } from './catalog.js';

export type Reply =
  { kind: 'message'; message: Message; to: 'channel' | 'caller' } | { kind: 'form'; form: Form };

export const toChannel = (message: Message): Reply => ({ kind: 'message', message, to: 'channel' });
export const toCaller = (message: Message): Reply => ({ kind: 'message', message, to: 'caller' });

export interface CommandContext<K extends CommandName = CommandName> {
  name: K;
  args: ArgsOf<K>;
  /** The caller's user id on the platform (console: the user name). */
  caller: string;
  /** The channel the command was typed in. */
  channel: string;
  /** The platform's short-lived handle for opening a form (Slack trigger_id), if any. */
  trigger?: string;
  services: Services;
}

export type HandlerResult = Reply | Reply[] | undefined;

export interface CommandHandler<K extends CommandName = CommandName> {
  name: K;
  run(ctx: CommandContext<K>): Promise<HandlerResult>;
}

/** Declares the handler of one command of the catalog, typed by its arguments. */
export function defineCommand<K extends CommandName>(
  name: K,
  run: (ctx: CommandContext<K>) => Promise<HandlerResult>,
): CommandHandler<K> {
  return { name, run };
}

export interface ActionContext {
  /** The stored payload of the button, untyped: handlers validate it (zod). */
  payload: unknown;
  caller: string;
  channel: string;
  /** The message the button was on, when the platform says so. */
  source?: PostedMessage;
  /** Values of a submitted form. */
  values?: Record<string, string>;
  trigger?: string;
  services: Services;
}

export interface ActionOutcome {
  /** The new content of the message the button was on (buttons gone, who did what). */
  replace?: Message;
  replies?: Reply[];
}

export interface ActionHandler {
  kind: string;
  run(ctx: ActionContext): Promise<ActionOutcome>;
}

export function defineAction(
  kind: string,
  run: (ctx: ActionContext) => Promise<ActionOutcome>,
): ActionHandler {
  return { kind, run };
}
