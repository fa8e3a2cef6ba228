// Keeps the approval card in step with the request: every change of state updates the message.
import type { Services } from '../core/services.js';
import { describeError } from '../core/errors.js';
import type { Approval } from './approval.js';
import { approvalCard } from './approval-card.js';

/** Updates the card of `approval`; a chat failure is logged, never allowed to undo what happened. */
export async function showOnCard(services: Services, approval: Approval, progress?: string): Promise<void> {
  if (!approval.message) return;
  try {
    await services.chat.update(
      approval.message,
      approvalCard(approval, services.config.OATIE_TIMEZONE, undefined, progress),
    );
  } catch (error) {
    services.log.warn(
      { approval: approval.id, err: describeError(error) },
      'cannot update the approval card',
    );
  }
}
