// Running an approved fix, once: approved → running (the one winner), the plan checked again against
// the live system, then executed; the outcome goes to the store, the card, the audit log and the incident.
import type { Services } from '../core/services.js';
import { describeError } from '../core/errors.js';
import { failureText } from '../remediations/failure-text.js';
import type { Fix, FixResult, Recheck } from '../remediations/remediation.js';
import type { Approval } from './approval.js';
import { ApprovalStore } from './approval-store.js';
import { auditFix } from './fix-audit.js';
import { recordFixOnIncident } from './incident-link.js';
import { showOnCard } from './show-on-card.js';

async function recheck(fix: Fix, approval: Approval, services: Services): Promise<Recheck> {
  try {
    return await fix.recheck(approval.plan, { services });
  } catch (error) {
    return { ok: false, reason: `the check before running failed: ${failureText(error)}` };
  }
}

async function execute(fix: Fix, approval: Approval, services: Services): Promise<FixResult> {
  try {
    return await fix.execute(approval.plan, { services });
  } catch (error) {
    return { ok: false, summary: `It failed: ${failureText(error)}` };
  }
}

/** Runs `approved` if this process wins approved → running; returns the request as it ends up. */
export async function runApprovedFix(
  services: Services,
  fix: Fix | undefined,
  approved: Approval,
): Promise<Approval> {
  const store = new ApprovalStore(services.db);
  const running = await store.start(approved.id, services.now());
  if (!running) return (await store.get(approved.id)) ?? approved;
  await showOnCard(services, running);
  const actor = running.approver ?? running.requester;
  const base = { actor, channel: running.channel, command: running.command, approval: running };

  const check = fix
    ? await recheck(fix, running, services)
    : { ok: false as const, reason: 'this fix no longer exists in this version of the bot.' };
  if (!check.ok || !fix) {
    const reason = check.ok ? '' : check.reason;
    const failed = await store.finish(
      running.id,
      'failed',
      services.now(),
      `Nothing ran: ${reason}`,
      undefined,
    );
    await auditFix(services, {
      ...base,
      approval: failed ?? running,
      event: 'fix.failed',
      outcome: 'changed',
      detail: { reason },
    });
    return settle(services, failed ?? running);
  }

  const started = Date.now();
  const result = await execute(fix, running, services);
  const ms = Date.now() - started;
  const done = await store.finish(
    running.id,
    result.ok ? 'succeeded' : 'failed',
    services.now(),
    result.summary,
    result.output,
  );
  await auditFix(services, {
    ...base,
    approval: done ?? running,
    event: result.ok ? 'fix.executed' : 'fix.failed',
    outcome: result.ok ? 'succeeded' : 'failed',
    detail: { result: result.summary, output: result.output, ms },
  });
  return settle(services, done ?? running);
}

async function settle(services: Services, approval: Approval): Promise<Approval> {
  await showOnCard(services, approval);
  try {
    await recordFixOnIncident(services, approval);
  } catch (error) {
    services.log.warn(
      { approval: approval.id, err: describeError(error) },
      'cannot add the fix to the incident',
    );
  }
  return approval;
}
