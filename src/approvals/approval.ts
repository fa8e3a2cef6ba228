// The approval request model: its states, and the row as the approval flow reads it.
import { z } from 'zod';
import type { PostedMessage } from '../chat/platform.js';
import type { RiskLevel } from '../config/policy.js';
import type { Plan } from '../remediations/remediation.js';

/** pending → approved → running → succeeded | failed; pending → rejected | expired. */
export const approvalStates = [
  'pending',
  'approved',
  'running',
  'succeeded',
  'failed',
  'rejected',
  'expired',
] as const;
export type ApprovalState = (typeof approvalStates)[number];

export const storedPlan = z.object({
  summary: z.string(),
  statement: z.string(),
  target: z.string(),
  facts: z.array(z.object({ label: z.string(), value: z.string() })).default([]),
  table: z
    .object({
      columns: z.array(z.string()),
      rows: z.array(z.array(z.string())),
      omitted: z.number().optional(),
    })
    .optional(),
  data: z.unknown(),
});

export interface Approval {
  id: number;
  command: string;
  args: unknown;
  plan: Plan;
  risk: RiskLevel;
  why: string | undefined;
  requester: string;
  platform: string;
  channel: string;
  incidentId: number | undefined;
  incidentChannel: string | undefined;
  state: ApprovalState;
  createdAt: Date;
  expiresAt: Date;
  approver: string | undefined;
  /** Why the requester was allowed to approve it themselves, if they did. */
  approvalNote: string | undefined;
  decidedAt: Date | undefined;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  result: string | undefined;
  output: string | undefined;
  message: PostedMessage | undefined;
}

/** The payload of the Approve and Reject buttons. */
export const approvalButton = z.object({ approvalId: z.number().int().positive() });
