// After a click that did its job (ActionOutcome.clicked): the clicked message keeps what it showed,
// loses the row of buttons that held the clicked one, and gains a "who did what" line. The adapter
// never kept the neutral message behind a post, so it edits the blocks Slack sends back with the
// click; they are the bot's own blocks as Slack stored them, read loosely and returned to Slack as they came.
import type { types } from '@slack/bolt';
import { z } from 'zod';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Respond } from './slack-delivery.js';
import { SLACK_LIMITS as L } from './slack-limits.js';
import type { SlackPlatform } from './slack-platform.js';
import { mrkdwn } from './slack-text.js';

/** A note is one line of context; the room it takes stays well under what the removed buttons freed. */
const NOTE_CHARS = 500;

export const rawBlock = z.looseObject({
  type: z.string().min(1).max(50),
  block_id: z.string().max(255).optional(),
  elements: z.array(z.looseObject({ action_id: z.string().optional() })).optional(),
});

/** The message a click came from, as the block_actions payload carries it (absent for ephemeral ones). */
export const clickedMessageSchema = z.object({
  ts: z.string().min(1).max(40),
  text: z.string().max(L.messageChars).optional(),
  blocks: z.array(rawBlock).max(L.blocks).optional(),
});

export type RawBlock = z.output<typeof rawBlock>;

/** Where the clicked message is, and what it showed. */
export interface ClickedMessage {
  channel: string | undefined;
  ts: string | undefined;
  ephemeral: boolean;
  text?: string;
  blocks?: RawBlock[];
}

const noteBlock = (note: string): types.ContextBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', text: mrkdwn(note, NOTE_CHARS) || 'Done.' }],
});

const holds = (block: RawBlock, actionId: string): boolean =>
  block.type === 'actions' && (block.elements ?? []).some((e) => e.action_id === actionId);

/** The message's blocks without the actions block that holds `actionId`. */
export const withoutButtonRow = (blocks: readonly RawBlock[], actionId: string): RawBlock[] =>
  blocks.filter((b) => !holds(b, actionId));

/** The message's blocks without the actions block that holds `actionId`, with the note at the end. */
export function clickedBlocks(
  blocks: readonly RawBlock[],
  actionId: string,
  note: string,
): Array<types.Block | types.KnownBlock> {
  const kept: Array<types.Block | types.KnownBlock> = withoutButtonRow(blocks, actionId);
  // Fifty blocks at most: the removed row made room; if it was not there, the last block gives way.
  return [...kept.slice(0, L.blocks - 1), noteBlock(note)];
}

/** Edits the clicked message; a failure is logged (the click itself already did its job). */
export async function markClicked(
  platform: SlackPlatform,
  message: ClickedMessage,
  actionId: string,
  note: string,
  respond: Respond | undefined,
  log: Logger,
): Promise<void> {
  const shared = !message.ephemeral && message.channel !== undefined && message.ts !== undefined;
  if (shared && !message.blocks) {
    // Slack always sends a shared message's blocks; without them an edit would wipe what it showed.
    log.warn({ channel: message.channel }, 'clicked message came without its blocks; left as is');
    return;
  }
  // An ephemeral message comes without its blocks: only the note can stand (its one reader clicked).
  const blocks = clickedBlocks(message.blocks ?? [], actionId, note);
  const text = message.text?.trim() ? message.text : mrkdwn(note, NOTE_CHARS);
  try {
    if (shared && message.channel && message.ts) {
      await platform.replaceBlocks(message.channel, message.ts, text, blocks);
    } else if (respond) {
      await respond({ replace_original: true, text, blocks });
    } else {
      log.warn({ channel: message.channel }, 'clicked message cannot be edited: no ts and no response_url');
    }
  } catch (error) {
    log.warn({ err: describeError(error), channel: message.channel }, 'clicked message not updated');
  }
}
