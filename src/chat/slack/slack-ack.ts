// What the ack of a slash command says, from its form alone: a "working" note for slow kinds of
// command, the reason when Slack sent no user or channel, else nothing. Light on purpose: the front
// door's thread (src/http/front-door-worker.ts) imports it.
import { z } from 'zod';
import { catalog } from '../../commands/catalog.js';
import { parseCommand } from '../../commands/parse.js';

// No length limit here: the parser answers text that is too long (a pasted JWT may be long).
export const slashSchema = z.object({
  text: z.string().default(''),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  trigger_id: z.string().optional(),
  team_id: z.string().optional(),
  /** In a shared channel, the team of the user who typed the command. */
  user_team: z.string().optional(),
});

/** The ack of a command Slack sent without a user or channel: there is nobody else to tell. */
export const NO_CALLER_ACK = 'This command came without a user or a channel, so it cannot run. Try it again.';

/** Slow kinds of command get a "working" note with the ack, so nobody wonders whether it was heard. */
export function ackText(text: string): string | undefined {
  const parsed = parseCommand(text);
  if (!parsed.ok) return undefined;
  const kind = catalog[parsed.command.name].kind;
  return kind === 'diagnostic' || kind === 'fix' ? '⏳ Working on it…' : undefined;
}

/** What the ack of a slash command says (undefined for an empty ack). */
export function commandAck(command: unknown): string | undefined {
  const input = slashSchema.safeParse(command);
  return input.success ? ackText(input.data.text) : NO_CALLER_ACK;
}
