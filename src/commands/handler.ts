// What a command handler and a button-action handler are, and how they answer.
import type { Services } from '../core/services.js';
import type { Form, Message } from '../chat/message.js';
import type { Finding } from '../diagnostics/verdict.js';
import type { ArgsOf, CommandName } from './catalog.js';

export type Reply =
  | {
      kind: 'message';
      message: Message;
      to: 'channel' | 'caller';
      /** A diagnostic's verdict as data (see `diagnosis`), for callers that compose diagnostics (triage). */
      finding?: Finding;
    }
  | { kind: 'form'; form: Form };

export const toChannel = (message: Message): Reply => ({ kind: 'message', message, to: 'channel' });
export const toCaller = (message: Message): Reply => ({ kind: 'message', message, to: 'caller' });

export interface CommandContext<K extends CommandName = CommandName> {
  name: K;
  args: ArgsOf<K>;
  /** The caller's user id on the platform (console: the user name). */
  caller: string;
  /** The channel the command was typed in. */
  channel: string;
  /**
   * The caller's team when it is not the bot's own workspace (a Slack team_id from a shared channel,
   * another Teams tenant); undefined for users of the bot's own team and in the console.
   */
  foreignTeam?: string;
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
  /**
   * The caller's team when it is not the bot's own workspace (a Slack team_id from a shared channel,
   * another Teams tenant); undefined for users of the bot's own team and in the console.
   */
  foreignTeam?: string;
  /** Values of a submitted form. */
  values?: Record<string, string>;
  trigger?: string;
  services: Services;
}

/** What a click answers. Handlers update the messages they own themselves (an approval card, an
 * incident's alert), through the message refs they stored when posting them. */
export interface ActionOutcome {
  replies?: Reply[];
  /**
   * Set when the click did its job and its button must not be pressed again: the adapter edits the
   * clicked message (its buttons' row goes, `note` says who did what: plain text, mention tokens
   * allowed). Never set on a refusal, so the buttons stay for others.
   */
  clicked?: { note: string };
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
