// What the person who clicked reads when their click changed nothing: refused, or already decided.
import { mention, textMessage, type Message } from '../chat/message.js';
import { toCaller, type ActionOutcome } from '../commands/handler.js';
import type { Services } from '../core/services.js';
import { formatDateTime } from '../core/time-zone.js';
import type { Approval } from './approval.js';
import { auditFix, type FixAuditEntry } from './fix-audit.js';

/** A click the approval rules refused: audited, and the person who clicked is told why, privately. */
export async function refusedDecision(
  services: Services,
  entry: Pick<FixAuditEntry, 'actor' | 'channel' | 'command' | 'approval'>,
  what: 'approve' | 'reject',
  reason: string,
): Promise<ActionOutcome> {
  await auditFix(services, {
    ...entry,
    event: 'fix.refused',
    outcome: 'forbidden',
    detail: { stage: what, reason },
  });
  return privately(textMessage(`⛔ You cannot ${what} this: ${reason} Nothing was run.`));
}

/** Why a request that is no longer pending cannot be approved or rejected. */
export function notPendingMessage(approval: Approval, zone: string): Message {
  const by = approval.approver === undefined ? 'someone' : mention(approval.approver);
  switch (approval.state) {
    case 'pending':
      return textMessage('This request is still waiting for approval.');
    case 'approved':
    case 'running':
      return textMessage(`Already approved by ${by}; it is running now. It runs once.`);
    case 'succeeded':
    case 'failed':
      return textMessage(
        `Already approved by ${by} and run (${approval.state}). It runs once; request it again if needed.`,
      );
    case 'rejected':
      return textMessage(
        `This request was rejected by ${by}; it cannot be approved. Request it again if needed.`,
      );
    case 'expired':
      return textMessage(
        `This request expired at ${formatDateTime(approval.expiresAt, zone)}; it cannot be approved. Nothing ran. Request it again if needed.`,
      );
  }
}

export const privately = (message: Message): ActionOutcome => ({ replies: [toCaller(message)] });
