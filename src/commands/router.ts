// The command router: text or a button click in, replies out. Parses, runs the handler, audits,
// and turns every error into a message. Adapters deliver the replies.
import { randomBytes } from 'node:crypto';
import type { Services } from '../core/services.js';
import { describeError, isOpsError } from '../core/errors.js';
import { catalog } from './catalog.js';
import {
  internalErrorMessage,
  notAvailableMessage,
  opsErrorMessage,
  parseErrorMessage,
} from './error-message.js';
import { toCaller, type ActionOutcome, type HandlerResult, type Reply } from './handler.js';
import { parseCommand } from './parse.js';
import { actionHandlerFor, handlerFor } from './registry.js';

export interface TextInput {
  text: string;
  caller: string;
  channel: string;
  trigger?: string;
  /** The caller's team when it is not the bot's own (see CommandContext.foreignTeam). */
  foreignTeam?: string;
}

export interface ActionInput {
  actionId: string;
  caller: string;
  channel: string;
  /** The caller's team when it is not the bot's own (see CommandContext.foreignTeam). */
  foreignTeam?: string;
  values?: Record<string, string>;
  trigger?: string;
}

/** Argument values that must never be stored or shown. */
const SECRET_ARGS = new Set(['token']);

const asList = (result: HandlerResult): Reply[] =>
  result === undefined ? [] : Array.isArray(result) ? result : [result];

/** What an adapter may observe of every command (metrics): the catalog name, or `unparsed`, never raw text. */
export interface CommandObservation {
  command: string;
  outcome: string;
  ms: number;
}

export class Router {
  private readonly observers: Array<(observation: CommandObservation) => void> = [];

  constructor(private readonly services: Services) {}

  /** Calls `observer` after every command (HTTP metrics); it must not throw. */
  onCommand(observer: (observation: CommandObservation) => void): void {
    this.observers.push(observer);
  }

  private observe(command: string, outcome: string, ms: number): void {
    for (const observer of this.observers) observer({ command, outcome, ms });
  }

  /** Runs a command; the shutdown waits for it (services.work). */
  handleText(input: TextInput): Promise<Reply[]> {
    return this.services.work.track(this.runText(input));
  }

  /** Handles a button click; the shutdown waits for it (services.work). */
  handleAction(input: ActionInput): Promise<ActionOutcome> {
    return this.services.work.track(this.runAction(input));
  }

  private async runText(input: TextInput): Promise<Reply[]> {
    const parsed = parseCommand(input.text);
    if (!parsed.ok) {
      this.observe('unparsed', parsed.error.code, 0);
      return [toCaller(parseErrorMessage(parsed.error))];
    }
    const { command } = parsed;
    const handler = handlerFor(command.name);
    if (!handler) {
      this.observe(command.name, 'NOT_AVAILABLE', 0);
      return [toCaller(notAvailableMessage(catalog[command.name].usage))];
    }
    const started = Date.now();
    try {
      const replies = asList(
        await handler.run({
          name: command.name,
          args: command.args,
          caller: input.caller,
          channel: input.channel,
          foreignTeam: input.foreignTeam,
          trigger: input.trigger,
          services: this.services,
        }),
      );
      await this.auditCommand(input, command.name, command.args, 'ok', Date.now() - started);
      return replies;
    } catch (error) {
      const outcome = isOpsError(error) ? error.code : 'INTERNAL';
      await this.auditCommand(input, command.name, command.args, outcome, Date.now() - started);
      return [this.errorReply(error, { command: command.name, caller: input.caller })];
    }
  }

  private async runAction(input: ActionInput): Promise<ActionOutcome> {
    try {
      const action = await this.services.actions.get(input.actionId);
      if (!action) {
        return {
          replies: [
            toCaller(
              parseErrorMessage({
                code: 'UNKNOWN_COMMAND',
                message: 'That button is unknown or no longer valid.',
              }),
            ),
          ],
        };
      }
      const handler = actionHandlerFor(action.kind);
      if (!handler) return { replies: [toCaller(notAvailableMessage(action.kind))] };
      return await handler.run({
        payload: action.payload,
        caller: input.caller,
        channel: input.channel,
        foreignTeam: input.foreignTeam,
        values: input.values,
        trigger: input.trigger,
        services: this.services,
      });
    } catch (error) {
      return { replies: [this.errorReply(error, { action: input.actionId, caller: input.caller })] };
    }
  }

  private errorReply(error: unknown, context: Record<string, string>): Reply {
    if (isOpsError(error)) return toCaller(opsErrorMessage(error));
    const reference = randomBytes(4).toString('hex');
    this.services.log.error(
      {
        ...context,
        reference,
        err: describeError(error),
        stack: error instanceof Error ? error.stack : undefined,
      },
      'handler failed',
    );
    return toCaller(internalErrorMessage(reference));
  }

  private async auditCommand(
    input: TextInput,
    name: string,
    args: object,
    outcome: string,
    ms: number,
  ): Promise<void> {
    this.observe(name, outcome, ms);
    const shown = Object.fromEntries(
      Object.entries(args).map(([k, v]) => [k, SECRET_ARGS.has(k) ? '[redacted]' : (v as unknown)]),
    );
    try {
      await this.services.audit.record({
        actor: input.caller,
        platform: this.services.chat.name,
        channel: input.channel,
        event: 'command',
        command: name,
        outcome,
        detail: { args: shown, ms },
      });
    } catch (error) {
      this.services.log.error({ err: describeError(error) }, 'audit write failed');
    }
  }
}
