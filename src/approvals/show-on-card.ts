// Keeps the approval card in step with the request: every change of state updates the message,
// through the outbox, in the transaction of the change (changeApproval), in order per card.
import { ChatStep, chatStep } from '../chat/chat-steps.js';
import type { Services } from '../core/services.js';
import { inTransaction } from '../core/transaction.js';
import type { Approval } from './approval.js';
import { approvalCard } from './approval-card.js';

const cardLane = (approvalId: number): string => `approval:${approvalId}`;

/** Enqueues the card update of `approval` in `tx` (services bound to the change's transaction). */
export async function showOnCard(tx: Services, approval: Approval, progress?: string): Promise<void> {
  if (!approval.message) return;
  const message = approvalCard(approval, tx.config.OATIE_TIMEZONE, undefined, progress);
  const action = { kind: ChatStep.Update, target: approval.message, message } as const;
  const what = `the card update of fix request ${approval.id} (${approval.command})`;
  await tx.outbox.enqueue(tx.db, chatStep(action, { lane: cardLane(approval.id), what }));
}

/** Tries the card's pending updates at once (what is not sent now, the outbox sends later). */
export async function deliverCard(services: Services, approval: Pick<Approval, 'id'>): Promise<void> {
  await services.outbox.deliver(cardLane(approval.id));
}

/** Runs `change` in one transaction, then tries the card's updates at once. */
export async function changeApproval<T extends Approval | undefined>(
  services: Services,
  change: (tx: Services) => Promise<T>,
): Promise<T> {
  const changed = await inTransaction(services, change);
  if (changed !== undefined) await deliverCard(services, changed);
  return changed;
}
