// The approval card: what will run exactly, where, why, who asked, until when; then who decided,
// when, and what happened. One function per state of the request, one message model.
import { mention, shorten, type Block, type Button, type Field, type Message } from '../chat/message.js';
import { formatDuration } from '../core/duration.js';
import { formatDateTime } from '../core/time-zone.js';
import type { Approval, ApprovalState } from './approval.js';

export interface CardButtons {
  approve: string;
  reject: string;
}

const HEADINGS: Record<ApprovalState, string> = {
  pending: '🛠️ Fix awaiting approval',
  approved: '⏳ Fix approved, running',
  running: '⏳ Fix running',
  succeeded: '✅ Fix done',
  failed: '❌ Fix failed',
  rejected: '🚫 Fix rejected',
  expired: '⌛ Fix request expired',
};

/** The card of an approval request in its current state; `buttons` only while it is pending. */
export function approvalCard(
  approval: Approval,
  zone: string,
  buttons?: CardButtons,
  /** What a running fix reports it is doing now (index build phase…). */
  progress?: string,
): Message {
  const { plan } = approval;
  const heading = `${HEADINGS[approval.state]}: ${approval.command}`;
  const blocks: Block[] = [
    { kind: 'header', text: heading },
    { kind: 'section', text: plan.summary },
    { kind: 'code', text: plan.statement },
    { kind: 'fields', fields: [...requestFields(approval, zone), ...plan.facts] },
  ];
  if (plan.table) blocks.push({ kind: 'table', ...plan.table });
  blocks.push(...stateBlocks(approval, zone));
  if (progress !== undefined && approval.state === 'running')
    blocks.push({ kind: 'context', text: `Progress: ${progress}` });
  if (approval.state === 'pending' && buttons)
    blocks.push({ kind: 'actions', buttons: cardButtons(approval, buttons) });
  return { text: `${heading}: ${plan.summary}`, blocks };
}

function requestFields(approval: Approval, zone: string): Field[] {
  const fields: Field[] = [
    { label: 'Target', value: approval.plan.target },
    {
      label: 'Requested by',
      value: `${mention(approval.requester)} at ${formatDateTime(approval.createdAt, zone)}`,
    },
    { label: 'Risk', value: approval.risk },
  ];
  if (approval.why !== undefined) fields.push({ label: 'Why', value: approval.why });
  if (approval.state === 'pending') {
    const ttl = approval.expiresAt.getTime() - approval.createdAt.getTime();
    fields.push({
      label: 'Expires',
      value: `${formatDateTime(approval.expiresAt, zone)} (${formatDuration(ttl)} after the request)`,
    });
  }
  return fields;
}

function stateBlocks(approval: Approval, zone: string): Block[] {
  const at = (date: Date | undefined): string => (date ? formatDateTime(date, zone) : '');
  const by =
    (approval.approver === undefined ? '' : mention(approval.approver)) +
    (approval.approvalNote === undefined ? '' : ` (${approval.approvalNote})`);
  switch (approval.state) {
    case 'pending':
      return [
        {
          kind: 'context',
          text: `Runs only when an approver of ${approval.risk}-risk fixes other than the requester approves it; the plan is checked again against the live system first.`,
        },
      ];
    case 'approved':
    case 'running':
      return [{ kind: 'section', text: `Approved by ${by} at ${at(approval.decidedAt)}. Running now.` }];
    case 'succeeded':
    case 'failed':
      return outcomeBlocks(
        approval,
        `Approved by ${by} at ${at(approval.decidedAt)}.`,
        at(approval.finishedAt),
      );
    case 'rejected':
      return [{ kind: 'section', text: `Rejected by ${by} at ${at(approval.decidedAt)}. Nothing ran.` }];
    case 'expired':
      return [{ kind: 'section', text: `Nobody approved it before ${at(approval.expiresAt)}. Nothing ran.` }];
  }
}

function outcomeBlocks(approval: Approval, approved: string, finished: string): Block[] {
  const blocks: Block[] = [
    { kind: 'section', text: `${approved}\nOutcome (${finished}): ${approval.result ?? ''}` },
  ];
  if (approval.output !== undefined && approval.output !== '')
    blocks.push({ kind: 'code', text: approval.output });
  return blocks;
}

function cardButtons(approval: Approval, buttons: CardButtons): Button[] {
  return [
    {
      actionId: buttons.approve,
      label: 'Approve',
      style: 'primary',
      confirm: {
        title: 'Run this fix?',
        text: `${approval.plan.summary}\n${shorten(approval.plan.statement, 250)}`,
        confirm: 'Approve and run',
        deny: 'Cancel',
      },
    },
    { actionId: buttons.reject, label: 'Reject', style: 'danger' },
  ];
}
