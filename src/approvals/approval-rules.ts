// Who may request, approve and reject which fix, read from the policy file (fixes.*): the
// requesters and channels, the approvers per risk level, and the two-person rule.
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
  /** The request was made in the war room of an open P0 incident. */
  inP0WarRoom: boolean;
}

/** Whether `caller` may approve this request: an approver of its risk level, and not the requester
 * (unless the policy allows self-approval during a P0 and this is the P0's war room). */
export function mayApprove(
  policy: Policy,
  platform: string,
  approval: Approval,
  caller: string,
  facts: ApproverFacts,
): Verdict {
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
    if (policy.fixes.allowSelfApprovalDuringP0 && facts.inP0WarRoom) return { ok: true };
    return refuse('you requested this fix; a second person must approve it (two-person rule).');
  }
  return { ok: true };
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
