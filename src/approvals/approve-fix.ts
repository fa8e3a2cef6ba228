// The Approve button: only an approver of the fix's risk level who is not the requester; then
// pending → approved decides the one winner among double clicks, repeated deliveries and replicas.
import { defineAction, type ActionContext, type ActionOutcome } from '../commands/handler.js';
import { fixFor } from '../remediations/index.js';
import { mayApprove } from './approval-rules.js';
import { ApprovalStore, approvalOfButton } from './approval-store.js';
import { notPendingMessage, privately, refusedDecision } from './decision-replies.js';
import { checkPolicyInForce } from './policy-in-force.js';
import { expireRequest } from './expire-fix.js';
import { auditFix } from './fix-audit.js';
import { p0OfRequest } from './incident-link.js';
import { APPROVE_KIND, expiryKey } from './request-fix.js';
import { runApprovedFix } from './run-fix.js';

async function approve(ctx: ActionContext): Promise<ActionOutcome> {
  const { services, caller } = ctx;
  const zone = services.config.OATIE_TIMEZONE;
  const store = new ApprovalStore(services.db);
  const approval = await approvalOfButton(ctx.payload, store);
  const base = { actor: caller, channel: ctx.channel, command: approval.command, approval };

  const p0 = await p0OfRequest(services, approval).catch(() => undefined);
  const verdict = mayApprove(services.policy, services.chat.name, approval, caller, { p0 });
  if (!verdict.ok) return refusedDecision(services, base, 'approve', verdict.reason);
  // Only a pending request is checked again: a late click on a decided one hears what became of it.
  if (approval.state === 'pending' && approval.expiresAt > services.now()) {
    const inForce = await checkPolicyInForce(services, fixFor(approval.command), approval);
    if (!inForce.ok) return refusedDecision(services, base, 'approve', inForce.reason);
  }

  const now = services.now();
  // The timer may not have fired yet: the time on the request decides, not the timer.
  if (approval.state === 'pending' && approval.expiresAt <= now)
    await expireRequest(services, approval.id, now);
  const approved = await store.approve(approval.id, caller, now, verdict.selfApproval);
  if (!approved) {
    const current = (await store.get(approval.id)) ?? approval;
    await auditFix(services, {
      ...base,
      approval: current,
      event: 'fix.refused',
      outcome: `already-${current.state}`,
      detail: { stage: 'approve' },
    });
    return privately(notPendingMessage(current, zone));
  }
  await services.scheduler.cancel(expiryKey(approved.id));
  await auditFix(services, {
    ...base,
    approval: approved,
    event: 'fix.approved',
    outcome: 'approved',
    detail: { selfApproved: caller === approved.requester, why: verdict.selfApproval },
  });
  // The card changes once the fix starts (running), then when it ends: no separate "approved" update.
  await runApprovedFix(services, fixFor(approved.command), approved);
  return {};
}

export const approveFixAction = defineAction(APPROVE_KIND, approve);
