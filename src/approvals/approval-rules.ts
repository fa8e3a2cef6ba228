// Who may request, approve and reject which fix, read from the policy file (fixes.*): the
// requesters and channels, the approvers per risk level, and the two-person rule.
import { mention } from '../chat/message.js';
import type { ChatPlatform } from '../chat/platform.js';
import { isListed, resolvePerson, type Policy, type RiskLevel } from '../config/policy.js';
import type { Approval } from './approval.js';

export type Verdict = { ok: true } | { ok: false; reason: string };

const refuse = (reason: string): Verdict => ({ ok: false, reason });

/** The fix's risk: the policy's word first, then the fix's own default; unlisted fixes are high. */
export function riskOf(policy: Policy, command: string, fixDefault: RiskLevel | undefined): RiskLevel {
  return policy.fixes.risk[command] ?? fixDefault ?? 'high';
}

/** Whether `caller` may request fixes, and from this channel. */
export async function mayRequest(
  policy: Policy,
  chat: ChatPlatform,
  caller: string,
  channel: string,
): Promise<Verdict> {
  const person = resolvePerson(policy, chat.name, caller);
  if (!person) return refuse('you are not in the policy file, so you cannot request fixes.');
  if (!isListed(policy, policy.fixes.requesters, person.key)) {
    return refuse(`only ${policy.fixes.requesters.join(', ')} may request fixes (policy fixes.requesters).`);
  }
  if (!(await channelAllowed(policy, chat, channel))) {
    return refuse(
      `fixes cannot be requested in this channel; use one of ${policy.fixes.channels.join(', ')}.`,
    );
  }
  return { ok: true };
}

async function channelAllowed(policy: Policy, chat: ChatPlatform, channel: string): Promise<boolean> {
  for (const allowed of policy.fixes.channels) {
    if (allowed === '*' || allowed.replace(/^#/, '') === channel) return true;
    // The policy names channels; platforms address them by id.
    const id = await chat.resolveChannel(allowed).catch(() => undefined);
    if (id === channel) return true;
  }
  return false;
}

export interface ApproverFacts {
  /** Set when the request was made in the war room of an open P0: who made it a P0, and when. */
  p0: { by: string; at: Date } | undefined;
}

/** An approval allowed, and, when the requester approves their own fix, why that was allowed. */
export type ApproveVerdict = { ok: true; selfApproval?: string } | { ok: false; reason: string };

/** Whether `caller` may approve this request: an approver of its risk level, and not the requester
 * (unless the policy allows self-approval during a P0 and every condition of selfApprovalDuringP0 holds). */
export function mayApprove(
  policy: Policy,
  platform: string,
  approval: Approval,
  caller: string,
  facts: ApproverFacts,
): ApproveVerdict {
  const person = resolvePerson(policy, platform, caller);
  const approvers = policy.fixes.approvers[approval.risk];
  if (!person || !isListed(policy, approvers, person.key)) {
    return refuse(
      `${approval.risk}-risk fixes are approved by ${approvers.join(', ') || 'nobody'} (policy fixes.approvers.${approval.risk}).`,
    );
  }
  // The same person under two ids (two platforms) is still the requester.
  const requester = resolvePerson(policy, approval.platform, approval.requester);
  if (caller === approval.requester || requester?.key === person.key) {
    return selfApprovalDuringP0(policy, approval, requester?.key, facts.p0);
  }
  return { ok: true };
}

const TWO_PERSONS = 'you requested this fix; a second person must approve it (two-person rule).';

/** The requester may approve their own fix only if the policy allows it during a P0, the incident was
 * a P0 before the request, someone else made it a P0 (a requester cannot unlock their own approval),
 * and the fix is not high risk unless the policy allows that separately. */
function selfApprovalDuringP0(
  policy: Policy,
  approval: Approval,
  requesterKey: string | undefined,
  p0: ApproverFacts['p0'],
): ApproveVerdict {
  if (!policy.fixes.allowSelfApprovalDuringP0 || !p0) return refuse(TWO_PERSONS);
  if (p0.at.getTime() >= approval.createdAt.getTime())
    return refuse(`${TWO_PERSONS.slice(0, -1)}: the incident became a P0 only after the request.`);
  const setter = resolvePerson(policy, approval.platform, p0.by);
  if (p0.by === approval.requester || (setter !== undefined && setter.key === requesterKey))
    return refuse(`${TWO_PERSONS.slice(0, -1)}: you made the incident a P0 yourself.`);
  if (approval.risk === 'high' && !policy.fixes.allowSelfApprovalOfHighRiskDuringP0)
    return refuse(
      `${TWO_PERSONS.slice(0, -1)}: high-risk fixes are never self-approved (policy fixes.allowSelfApprovalOfHighRiskDuringP0).`,
    );
  return {
    ok: true,
    selfApproval: `self-approved during a P0 (policy fixes.allowSelfApprovalDuringP0): the incident was made a P0 by ${mention(p0.by)} at ${p0.at.toISOString()}, before the request`,
  };
}

/** The requester may withdraw their request; approvers of its risk level may reject it. */
export function mayReject(policy: Policy, platform: string, approval: Approval, caller: string): Verdict {
  if (caller === approval.requester) return { ok: true };
  const person = resolvePerson(policy, platform, caller);
  const approvers = policy.fixes.approvers[approval.risk];
  if (person && isListed(policy, approvers, person.key)) return { ok: true };
  return refuse(
    `only the requester or an approver of ${approval.risk}-risk fixes (${approvers.join(', ')}) may reject it.`,
  );
}
