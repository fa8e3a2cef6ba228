// A fix still running when the process is stopped and the shutdown's wait runs out: recorded as
// failed with "interrupted", so the card and the audit log say where it stopped instead of
// "running" forever. Its effect on the target is unknown: the message says to look before retrying.
import type { Services } from '../core/services.js';
import type { Approval } from './approval.js';
import { ApprovalStore } from './approval-store.js';
import { auditFix } from './fix-audit.js';
import { showOnCard } from './show-on-card.js';

export const INTERRUPTED_RESULT =
  'Interrupted: the bot was stopped while this fix ran. Check the target before running it again.';

/** The card update is best effort: the shutdown does not wait longer than this for the chat. */
const CARD_WAIT_MS = 2000;

export async function recordInterruptedFix(services: Services, running: Approval): Promise<void> {
  const store = new ApprovalStore(services.db);
  const finished = await store.finish(running.id, 'failed', services.now(), INTERRUPTED_RESULT, undefined);
  if (!finished) return; // it finished after all
  services.log.warn({ approval: running.id, command: running.command }, 'fix interrupted by shutdown');
  await auditFix(services, {
    actor: running.approver ?? running.requester,
    channel: running.channel,
    command: running.command,
    approval: finished,
    event: 'fix.failed',
    outcome: 'interrupted',
    detail: { result: INTERRUPTED_RESULT },
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    showOnCard(services, finished),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, CARD_WAIT_MS))),
  ]);
  clearTimeout(timer);
}
