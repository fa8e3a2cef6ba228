// Audit rows of the fix flow: request, refusal, approval, rejection, expiry, execution and result.
import type { Services } from '../core/services.js';
import { describeError } from '../core/errors.js';
import type { Approval } from './approval.js';

export type FixEvent =
  | 'fix.requested'
  | 'fix.refused'
  | 'fix.approved'
  | 'fix.rejected'
  | 'fix.expired'
  | 'fix.executed'
  | 'fix.failed';

export interface FixAuditEntry {
  event: FixEvent;
  actor: string;
  channel: string;
  command: string;
  outcome: string;
  approval?: Approval;
  /** When there is no approval yet (refused at request or plan time). */
  target?: string;
  statement?: string;
  detail?: Record<string, unknown>;
}

/** Writes one audit row; a failing audit write is logged, never thrown into the flow it describes. */
export async function auditFix(services: Services, entry: FixAuditEntry): Promise<void> {
  const { approval } = entry;
  const times = approval
    ? {
        approvalId: approval.id,
        requester: approval.requester,
        requestedAt: approval.createdAt.toISOString(),
        expiresAt: approval.expiresAt.toISOString(),
        approver: approval.approver,
        decidedAt: approval.decidedAt?.toISOString(),
        startedAt: approval.startedAt?.toISOString(),
        finishedAt: approval.finishedAt?.toISOString(),
      }
    : {};
  try {
    await services.audit.record({
      actor: entry.actor,
      platform: services.chat.name,
      channel: entry.channel,
      event: entry.event,
      command: entry.command,
      target: approval?.plan.target ?? entry.target,
      statement: approval?.plan.statement ?? entry.statement,
      outcome: entry.outcome,
      detail: { ...times, ...entry.detail },
    });
  } catch (error) {
    services.log.error({ err: describeError(error), event: entry.event }, 'audit write failed');
  }
}
