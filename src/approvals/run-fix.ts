// Running an approved fix, once: approved → running (the one winner), the plan checked again against
// the live system, then executed; the outcome goes to the store, the card, the audit log and the incident.
import type { Services } from '../core/services.js';
import { describeError } from '../core/errors.js';
import { failureText } from '../remediations/failure-text.js';
import type { Fix, FixResult, Recheck } from '../remediations/remediation.js';
import type { Approval } from './approval.js';
import { ApprovalStore } from './approval-store.js';
import { auditFix, type FixEvent } from './fix-audit.js';
import { replanUnderPolicy } from './policy-in-force.js';
import { recordFixOnIncident } from './incident-link.js';
import { recordInterruptedFix } from './interrupted-fix.js';
import { changeApproval, showOnCard } from './show-on-card.js';

async function recheck(fix: Fix, approval: Approval, services: Services): Promise<Recheck> {
  try {
    return await fix.recheck(approval.plan, { services });
  } catch (error) {
    return { ok: false, reason: `the check before running failed: ${failureText(error)}` };
  }
}

async function execute(fix: Fix, approval: Approval, services: Services): Promise<FixResult> {
  let shown: string | undefined;
  const progress = async (text: string): Promise<void> => {
    if (text === shown) return;
    shown = text;
    await showOnCard(services, approval, text);
  };
  try {
    return await fix.execute(approval.plan, { services, progress });
  } catch (error) {
    return { ok: false, summary: `It failed: ${failureText(error)}` };
  }
}

/** How a run ends: what the store and the card say, and what the audit log records. */
interface Ending {
  state: 'succeeded' | 'failed';
  result: string;
  output: string | undefined;
  event: FixEvent;
  outcome: string;
  detail: Record<string, unknown>;
}

const nothingRan = (reason: string): Ending => ({
  state: 'failed',
  result: `Nothing ran: ${reason}`,
  output: undefined,
  event: 'fix.failed',
  outcome: 'changed',
  detail: { reason },
});

/** Checks the plan again against the live system, and runs it only if it still holds. */
async function checkAndExecute(fix: Fix | undefined, running: Approval, services: Services): Promise<Ending> {
  if (!fix) return nothingRan('this fix no longer exists in this version of the bot.');
  const check = await recheck(fix, running, services);
  if (!check.ok) return nothingRan(check.reason);
  const bounds = await replanUnderPolicy(services, fix, running);
  if (!bounds.ok) return nothingRan(bounds.reason);
  const started = Date.now();
  const result = await execute(fix, running, services);
  if (result.changed !== undefined) return nothingRan(result.changed);
  const ms = Date.now() - started;
  return {
    state: result.ok ? 'succeeded' : 'failed',
    result: result.summary,
    output: result.output,
    event: result.ok ? 'fix.executed' : 'fix.failed',
    outcome: result.ok ? 'succeeded' : 'failed',
    detail: { result: result.summary, output: result.output, ms },
  };
}

/** Runs `approved` if this process wins approved → running; returns the request as it ends up. */
export async function runApprovedFix(
  services: Services,
  fix: Fix | undefined,
  approved: Approval,
): Promise<Approval> {
  const store = new ApprovalStore(services.db);
  const running = await changeApproval(services, async (tx) => {
    const started = await new ApprovalStore(tx.db).start(approved.id, tx.now());
    if (started) await showOnCard(tx, started);
    return started;
  });
  if (!running) return (await store.get(approved.id)) ?? approved;
  // If the process is stopped before the fix ends, the shutdown records it as interrupted.
  const withdraw = services.work.onInterrupt(() => recordInterruptedFix(services, running));
  const ending = await checkAndExecute(fix, running, services).finally(withdraw);
  const finished = await changeApproval(services, async (tx) => {
    const done =
      (await new ApprovalStore(tx.db).finish(
        running.id,
        ending.state,
        tx.now(),
        ending.result,
        ending.output,
      )) ?? running;
    await auditFix(tx, {
      actor: running.approver ?? running.requester,
      channel: running.channel,
      command: running.command,
      approval: done,
      event: ending.event,
      outcome: ending.outcome,
      detail: ending.detail,
    });
    await showOnCard(tx, done);
    return done;
  });
  try {
    await recordFixOnIncident(services, finished);
  } catch (error) {
    services.log.warn(
      { approval: finished.id, err: describeError(error) },
      'cannot add the fix to the incident',
    );
  }
  return finished;
}
