// What approval re-derives from the policy in force, for every fix alike (a new fix follows these rules
// without code of its own): at the click, the risk level, the request's lifetime and the requester's
// right to request (refused with what changed); before running, every bound the fix's plan applies
// (allowlists, limits, minimum ages), by planning it again under today's policy (nothing runs).
import { isOpsError } from '../core/errors.js';
import { formatDateTime } from '../core/time-zone.js';
import type { Services } from '../core/services.js';
import type { RiskLevel } from '../config/policy.js';
import type { Fix } from '../remediations/remediation.js';
import type { Approval } from './approval.js';
import { mayRequest, riskOf, type Verdict } from './approval-rules.js';

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

const changed = (what: string): Verdict => ({
  ok: false,
  reason: `the policy changed since the request: ${what} Request the fix again if it is still needed.`,
});

/** Whether `approval` still stands under the policy in force; otherwise what changed. */
export async function checkPolicyInForce(
  services: Services,
  fix: Fix | undefined,
  approval: Approval,
): Promise<Verdict> {
  const { policy } = services;
  if (!fix) return { ok: false, reason: 'this fix no longer exists in this version of the bot.' };
  const risk = riskOf(policy, approval.command, fix.risk);
  if (RANK[risk] > RANK[approval.risk])
    return changed(
      `${approval.command} is now ${risk} risk (policy fixes.risk), it was ${approval.risk} when requested.`,
    );
  const lifetime = approval.createdAt.getTime() + policy.fixes.approvalTtl;
  if (lifetime <= services.now().getTime())
    return changed(
      `requests now expire sooner (policy fixes.approvalTtl): this one expired at ${formatDateTime(new Date(lifetime), services.config.OATIE_TIMEZONE)}.`,
    );
  const requester = await mayRequest(policy, services.chat, approval.requester, approval.channel);
  if (!requester.ok) return changed(`the requester may no longer request it: ${requester.reason}`);
  return { ok: true };
}

/** Plans the request again under today's policy, after the fix's own re-check: a bound that tightened
 * (an allowlist, a limit, a minimum age) refuses it as it would refuse a new request. */
export async function replanUnderPolicy(services: Services, fix: Fix, approval: Approval): Promise<Verdict> {
  try {
    await fix.plan(approval.args, {
      services,
      caller: approval.requester,
      channel: approval.channel,
    });
    return { ok: true };
  } catch (error) {
    if (isOpsError(error))
      return {
        ok: false,
        reason: `planned again under the policy in force, it is refused: ${error.message}`,
      };
    return { ok: false, reason: 'it could not be checked against the policy in force; try again.' };
  }
}
