// A fix still running when the process is stopped and the shutdown's wait runs out: recorded as
// failed with "interrupted", so the card and the audit log say where it stopped instead of
// "running" forever. Its effect on the target is unknown: the message says to look before retrying.
import type { Services } from '../core/services.js';
import { inTransaction } from '../core/transaction.js';
import type { Approval } from './approval.js';
import { ApprovalStore } from './approval-store.js';
import { auditFix } from './fix-audit.js';
import { deliverCard, showOnCard } from './show-on-card.js';

export const INTERRUPTED_RESULT =
  'Interrupted: the bot was stopped while this fix ran. Check the target before running it again.';

/** The shutdown does not wait longer than this for the chat to take the card update. */
const CARD_WAIT_MS = 2000;

export async function recordInterruptedFix(services: Services, running: Approval): Promise<void> {
  const finished = await inTransaction(services, async (tx) => {
    const done = await new ApprovalStore(tx.db).finish(
      running.id,
      'failed',
      tx.now(),
      INTERRUPTED_RESULT,
      undefined,
    );
    if (!done) return undefined; // it finished after all
    await auditFix(tx, {
      actor: running.approver ?? running.requester,
      channel: running.channel,
      command: running.command,
      approval: done,
      event: 'fix.failed',
      outcome: 'interrupted',
      detail: { result: INTERRUPTED_RESULT },
    });
    await showOnCard(tx, done);
    return done;
  });
  if (!finished) return;
  services.log.warn({ approval: running.id, command: running.command }, 'fix interrupted by shutdown');
  // The card update is in the outbox: tried now for a moment, else sent by the next process.
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    deliverCard(services, finished),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, CARD_WAIT_MS))),
  ]);
  clearTimeout(timer);
}
