// The rows of the tables in a command's replies, as the core wrote them (before a chat adapter cuts
// wide cells), for tests that check a long cell in full.
import type { Reply } from '../../src/commands/handler.js';

/** Every table row of every reply, its cells joined with " | ". */
export function tableRows(replies: readonly Reply[]): string[] {
  return replies.flatMap((reply) =>
    reply.kind === 'message'
      ? reply.message.blocks.flatMap((b) => (b.kind === 'table' ? b.rows.map((row) => row.join(' | ')) : []))
      : [],
  );
}
