// The Reject button: the requester withdraws, or an approver turns the fix down; nothing runs.
import { defineAction, type ActionContext, type ActionOutcome } from '../commands/handler.js';
import { mayReject } from './approval-rules.js';
import { ApprovalStore, approvalOfButton } from './approval-store.js';
import { notPendingMessage, privately, refusedDecision } from './decision-replies.js';
import { auditFix } from './fix-audit.js';
import { REJECT_KIND, expiryKey } from './request-fix.js';
import { showOnCard } from './show-on-card.js';

async function reject(ctx: ActionContext): Promise<ActionOutcome> {
  const { services, caller } = ctx;
  const store = new ApprovalStore(services.db);
  const approval = await approvalOfButton(ctx.payload, store);
  const base = { actor: caller, channel: ctx.channel, command: approval.command, approval };
  const verdict = mayReject(services.policy, services.chat.name, approval, caller);
  if (!verdict.ok) return refusedDecision(services, base, 'reject', verdict.reason);
  const rejected = await store.reject(approval.id, caller, services.now());
  if (!rejected)
    return privately(
      notPendingMessage((await store.get(approval.id)) ?? approval, services.config.OATIE_TIMEZONE),
    );
  await services.scheduler.cancel(expiryKey(rejected.id));
  await auditFix(services, { ...base, approval: rejected, event: 'fix.rejected', outcome: 'rejected' });
  await showOnCard(services, rejected);
  return {};
}

export const rejectFixAction = defineAction(REJECT_KIND, reject);
