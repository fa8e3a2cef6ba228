// Requesting a fix (typed command or suggested-fix button): check who asks and where, plan against
// the live system, store the request, post the approval card, and start the expiry clock.
import type { PostedMessage } from '../chat/platform.js';
import { ErrorCode, OpsError, forbidden, isOpsError } from '../core/errors.js';
import { mention } from '../chat/message.js';
import type { Services } from '../core/services.js';
import { inTransaction } from '../core/transaction.js';
import { findOpenIncidentInChannel } from '../incidents/incident-store.js';
import type { Fix, Plan } from '../remediations/remediation.js';
import type { Approval } from './approval.js';
import { approvalCard } from './approval-card.js';
import { mayRequest, riskOf } from './approval-rules.js';
import { ApprovalStore } from './approval-store.js';
import { auditFix, type FixAuditEntry } from './fix-audit.js';

export const APPROVE_KIND = 'approval.approve';
export const REJECT_KIND = 'approval.reject';
export const EXPIRE_KIND = 'approval.expire';

/** The timer key of a request's expiry, so a decision can cancel it. */
export const expiryKey = (approvalId: number): string => `approval:${approvalId}`;

export interface FixRequest {
  fix: Fix;
  /** The output of the command's catalog schema. */
  args: unknown;
  caller: string;
  channel: string;
  /** Where the suggestion came from (a diagnostic), shown on the card. */
  why?: string;
}

export async function requestFix(services: Services, request: FixRequest): Promise<Approval> {
  const base = { actor: request.caller, channel: request.channel, command: request.fix.command };
  const plan = await planRequest(services, request, base);
  // One at a time per fix, arguments and channel: of identical requests at the same instant (two
  // people, a double click, two replicas), the first is stored and the others find it as their twin.
  const stored = await inTransaction(services, async (tx) => {
    await tx.db.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      JSON.stringify([request.fix.command, request.channel, request.args ?? {}]),
    ]);
    const twin = await pendingTwin(tx, request);
    return twin ? { twin } : { approval: await storeRequest(tx, request, plan) };
  });
  if (stored.twin) return refuseTwin(services, stored.twin, base);
  const { approval } = stored;
  // The clock starts before the card is posted: a request whose card failed still expires.
  await services.scheduler.schedule(
    EXPIRE_KIND,
    approval.expiresAt,
    { approvalId: approval.id },
    expiryKey(approval.id),
  );
  const posted = await postCard(services, approval);
  await auditFix(services, {
    ...base,
    event: 'fix.requested',
    outcome: 'pending',
    approval,
    detail: { args: request.args, why: request.why },
  });
  return { ...approval, message: posted };
}

/** The request for the same fix with the same arguments still awaiting a decision in this channel. */
function pendingTwin(services: Services, { fix, args, channel }: FixRequest): Promise<Approval | undefined> {
  return new ApprovalStore(services.db).pendingTwin(fix.command, args, channel, services.now());
}

/**
 * The same fix with the same arguments already awaits a decision in this channel (a double-typed
 * command, a second click on a suggestion): the caller is pointed at that card instead of a second one.
 */
async function refuseTwin(
  services: Services,
  twin: Approval,
  base: Pick<FixAuditEntry, 'actor' | 'channel' | 'command'>,
): Promise<never> {
  const now = services.now();
  const minutes = Math.max(1, Math.ceil((twin.expiresAt.getTime() - now.getTime()) / 60_000));
  await auditFix(services, {
    ...base,
    event: 'fix.refused',
    outcome: 'duplicate',
    approval: twin,
    detail: { stage: 'request', reason: 'the same request awaits approval' },
  });
  throw new OpsError(
    ErrorCode.Conflict,
    `This fix is already awaiting approval in this channel: request #${twin.id} by ${mention(twin.requester)}, ` +
      `which expires in ${minutes} minute${minutes === 1 ? '' : 's'}. Approve or reject that card; no second card was posted.`,
  );
}

/** Checks who asks and where, then plans against the live system; a refusal is audited, then thrown. */
async function planRequest(
  services: Services,
  { fix, args, caller, channel }: FixRequest,
  base: Pick<FixAuditEntry, 'actor' | 'channel' | 'command'>,
): Promise<Plan> {
  const verdict = await mayRequest(services.policy, services.chat, caller, channel);
  if (!verdict.ok) {
    await auditFix(services, {
      ...base,
      event: 'fix.refused',
      outcome: 'forbidden',
      detail: { stage: 'request', reason: verdict.reason },
    });
    throw forbidden(`You cannot request this fix: ${verdict.reason}`);
  }
  try {
    return await fix.plan(args, { services, caller, channel });
  } catch (error) {
    const reason = isOpsError(error) ? error.message : 'the plan failed';
    const outcome = isOpsError(error) ? error.code : 'INTERNAL';
    await auditFix(services, { ...base, event: 'fix.refused', outcome, detail: { stage: 'plan', reason } });
    throw error;
  }
}

async function storeRequest(services: Services, request: FixRequest, plan: Plan): Promise<Approval> {
  const { fix, channel } = request;
  const now = services.now();
  const incident = await findOpenIncidentInChannel(services.db, channel).catch(() => undefined);
  return new ApprovalStore(services.db).create({
    command: fix.command,
    args: request.args,
    plan,
    risk: riskOf(services.policy, fix.command, fix.risk),
    why: request.why,
    requester: request.caller,
    platform: services.chat.name,
    channel,
    incident: incident && { id: incident.id, channel: incident.channel },
    createdAt: now,
    expiresAt: new Date(now.getTime() + services.policy.fixes.approvalTtl),
  });
}

/** Posts the approval card with its Approve and Reject buttons, and stores where it was posted. */
async function postCard(services: Services, approval: Approval): Promise<PostedMessage> {
  const buttons = {
    approve: await services.actions.create(APPROVE_KIND, { approvalId: approval.id }),
    reject: await services.actions.create(REJECT_KIND, { approvalId: approval.id }),
  };
  const posted = await services.chat.post(
    approval.channel,
    approvalCard(approval, services.config.OATIE_TIMEZONE, buttons),
  );
  await new ApprovalStore(services.db).setMessage(approval.id, posted);
  return posted;
}
