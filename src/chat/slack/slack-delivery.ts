// Delivers the core's replies in Slack. When a reply cannot go where it should (the bot is not in a
// private channel or a DM, a form's trigger expired), the interaction's response_url still reaches the caller.
import type { types } from '@slack/bolt';
import type { Reply } from '../../commands/handler.js';
import { opsErrorMessage } from '../../commands/error-message.js';
import { describeError, isOpsError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { deliverReplies } from '../deliver.js';
import { textMessage, type Message } from '../message.js';
import { renderMessage } from './block-kit.js';
import type { FormOrigin } from './slack-form.js';
import type { SlackPlatform } from './slack-platform.js';

/** Bolt's `respond` (the response_url), narrowed to what we send. */
export type Respond = (message: {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  text: string;
  blocks: Array<types.KnownBlock | types.Block>;
}) => Promise<unknown>;

export interface Where {
  /** Undefined when the interaction came from a modal: then everything goes to the caller directly. */
  channel: string | undefined;
  caller: string;
  trigger?: string;
  /** The clicked message, when a click is answered: a form it opens carries it (see slack-form.ts). */
  origin?: FormOrigin;
}

const failureMessage = (error: unknown): Message =>
  isOpsError(error)
    ? opsErrorMessage(error)
    : textMessage('The answer could not be delivered in Slack; the details are in the bot log.');

export async function deliverSlackReplies(
  platform: SlackPlatform,
  replies: readonly Reply[],
  where: Where,
  respond: Respond | undefined,
  log: Logger,
): Promise<void> {
  for (const reply of replies) {
    try {
      if (reply.kind === 'form' && where.trigger && where.origin) {
        await platform.openForm(where.trigger, reply.form, where.channel, where.origin);
      } else if (where.channel === undefined) {
        if (reply.kind === 'form' && where.trigger) await platform.openForm(where.trigger, reply.form);
        else if (reply.kind === 'message') await platform.directMessage(where.caller, reply.message);
      } else {
        await deliverReplies(platform, [reply], {
          channel: where.channel,
          caller: where.caller,
          trigger: where.trigger,
        });
      }
    } catch (error) {
      log.warn(
        { err: describeError(error), reply: reply.kind, channel: where.channel },
        'reply not delivered; trying the response_url',
      );
      await fallback(reply, error, respond, log);
    }
  }
}

async function fallback(
  reply: Reply,
  error: unknown,
  respond: Respond | undefined,
  log: Logger,
): Promise<void> {
  if (!respond) return;
  const inChannel = reply.kind === 'message' && reply.to === 'channel';
  const message = reply.kind === 'message' ? reply.message : failureMessage(error);
  try {
    await respond({ response_type: inChannel ? 'in_channel' : 'ephemeral', ...renderMessage(message) });
  } catch (again) {
    log.error({ err: describeError(again) }, 'response_url failed too; the caller got no answer');
  }
}
