// Expiry of a request nobody approved in time: a durable timer, so it happens even across restarts.
import type { Services } from '../core/services.js';
import type { TimerKind } from '../scheduler/timer-kinds.js';
import { approvalButton, type Approval } from './approval.js';
import { ApprovalStore } from './approval-store.js';
import { auditFix } from './fix-audit.js';
import { EXPIRE_KIND } from './request-fix.js';
import { changeApproval, showOnCard } from './show-on-card.js';

/** The actor of what the bot does by itself. */
export const BOT_ACTOR = 'oatie-ops';

/** pending → expired (if its time is up), then the audit row and the card; undefined if it was not pending. */
export async function expireRequest(
  services: Services,
  approvalId: number,
  at: Date,
): Promise<Approval | undefined> {
  return changeApproval(services, async (tx) => {
    const expired = await new ApprovalStore(tx.db).expire(approvalId, at);
    if (!expired) return undefined;
    await auditFix(tx, {
      event: 'fix.expired',
      actor: BOT_ACTOR,
      channel: expired.channel,
      command: expired.command,
      outcome: 'expired',
      approval: expired,
    });
    await showOnCard(tx, expired);
    return expired;
  });
}

export const expireTimer: TimerKind = {
  kind: EXPIRE_KIND,
  async run(timer, services) {
    const { approvalId } = approvalButton.parse(timer.payload);
    // The timer is due at the expiry itself: a store clock a little ahead of ours must not leave it pending.
    const at = new Date(Math.max(services.now().getTime(), timer.dueAt.getTime()));
    await expireRequest(services, approvalId, at);
  },
};
