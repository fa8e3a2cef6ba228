// The Reject button: the requester withdraws, or an approver turns the fix down; nothing runs.
import { defineAction, type ActionContext, type ActionOutcome } from '../commands/handler.js';
import { mayReject } from './approval-rules.js';
import { ApprovalStore, approvalOfButton } from './approval-store.js';
import { notPendingMessage, privately, refusedDecision } from './decision-replies.js';
import { auditFix } from './fix-audit.js';
import { REJECT_KIND, expiryKey } from './request-fix.js';
import { changeApproval, showOnCard } from './show-on-card.js';

async function reject(ctx: ActionContext): Promise<ActionOutcome> {
  const { services, caller } = ctx;
  const store = new ApprovalStore(services.db);
  const approval = await approvalOfButton(ctx.payload, store);
  const base = { actor: caller, channel: ctx.channel, command: approval.command, approval };
  const verdict = mayReject(services.policy, services.chat.name, approval, caller);
  if (!verdict.ok) return refusedDecision(services, base, 'reject', verdict.reason);
  const rejected = await changeApproval(services, async (tx) => {
    const done = await new ApprovalStore(tx.db).reject(approval.id, caller, tx.now());
    if (!done) return undefined;
    await tx.scheduler.cancel(expiryKey(done.id), tx.db);
    await auditFix(tx, { ...base, approval: done, event: 'fix.rejected', outcome: 'rejected' });
    await showOnCard(tx, done);
    return done;
  });
  if (!rejected)
    return privately(
      notPendingMessage((await store.get(approval.id)) ?? approval, services.config.OATIE_TIMEZONE),
    );
  return {};
}

export const rejectFixAction = defineAction(REJECT_KIND, reject);
