// Approval requests in the store. Every change of state is one conditional UPDATE … WHERE state =
// <expected> RETURNING: of two clicks, two deliveries or two replicas, exactly one gets the row back.
import type { PostedMessage } from '../chat/platform.js';
import type { RiskLevel } from '../config/policy.js';
import { badArgument, notFound } from '../core/errors.js';
import type { Plan } from '../remediations/remediation.js';
import type { Db } from '../store/db.js';
import { approvalButton, approvalStates, storedPlan, type Approval, type ApprovalState } from './approval.js';

interface ApprovalRow {
  id: number;
  command: string;
  args: unknown;
  plan: unknown;
  risk: RiskLevel;
  why: string | null;
  requester: string;
  platform: string;
  channel: string;
  incident_id: number | null;
  incident_channel: string | null;
  state: string;
  created_at: Date;
  expires_at: Date;
  approver: string | null;
  approval_note: string | null;
  decided_at: Date | null;
  started_at: Date | null;
  finished_at: Date | null;
  result: string | null;
  output: string | null;
  message_channel: string | null;
  message_id: string | null;
}

export interface NewApproval {
  command: string;
  args: unknown;
  plan: Plan;
  risk: RiskLevel;
  why?: string;
  requester: string;
  platform: string;
  channel: string;
  incident?: { id: number; channel: string };
  createdAt: Date;
  expiresAt: Date;
}

const date = (value: Date | null): Date | undefined => (value === null ? undefined : new Date(value));

function toApproval(row: ApprovalRow): Approval {
  const state = approvalStates.find((s) => s === row.state);
  if (!state) throw new Error(`approval ${row.id} has an unknown state`);
  return {
    id: row.id,
    command: row.command,
    args: row.args,
    plan: storedPlan.parse(row.plan),
    risk: row.risk,
    why: row.why ?? undefined,
    requester: row.requester,
    platform: row.platform,
    channel: row.channel,
    incidentId: row.incident_id ?? undefined,
    incidentChannel: row.incident_channel ?? undefined,
    state,
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    approver: row.approver ?? undefined,
    approvalNote: row.approval_note ?? undefined,
    decidedAt: date(row.decided_at),
    startedAt: date(row.started_at),
    finishedAt: date(row.finished_at),
    result: row.result ?? undefined,
    output: row.output ?? undefined,
    message:
      row.message_channel !== null && row.message_id !== null
        ? { channel: row.message_channel, id: row.message_id }
        : undefined,
  };
}

export class ApprovalStore {
  constructor(private readonly db: Db) {}

  async create(input: NewApproval): Promise<Approval> {
    const result = await this.db.query<ApprovalRow>(
      `INSERT INTO approvals (command, args, plan, risk, why, requester, platform, channel, incident_id,
                              incident_channel, created_at, expires_at)
       VALUES ($1, $2::jsonb, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       RETURNING *`,
      [
        input.command,
        JSON.stringify(input.args ?? {}),
        JSON.stringify(input.plan),
        input.risk,
        input.why ?? null,
        input.requester,
        input.platform,
        input.channel,
        input.incident?.id ?? null,
        input.incident?.channel ?? null,
        input.createdAt,
        input.expiresAt,
      ],
    );
    const row = result.rows[0];
    if (!row) throw new Error('approval insert returned no row');
    return toApproval(row);
  }

  async get(id: number): Promise<Approval | undefined> {
    const result = await this.db.query<ApprovalRow>('SELECT * FROM approvals WHERE id = $1', [id]);
    const row = result.rows[0];
    return row ? toApproval(row) : undefined;
  }

  /** The request still awaiting a decision for the same fix, with the same arguments, in `channel`. */
  async pendingTwin(
    command: string,
    args: unknown,
    channel: string,
    now: Date,
  ): Promise<Approval | undefined> {
    const result = await this.db.query<ApprovalRow>(
      `SELECT * FROM approvals
        WHERE state = 'pending' AND command = $1 AND args = $2::jsonb AND channel = $3 AND expires_at > $4
        ORDER BY id DESC LIMIT 1`,
      [command, JSON.stringify(args ?? {}), channel, now],
    );
    const row = result.rows[0];
    return row ? toApproval(row) : undefined;
  }

  /** Every fix requested for an incident, oldest first (its review lists them). */
  async forIncident(incidentId: number): Promise<Approval[]> {
    const result = await this.db.query<ApprovalRow>(
      'SELECT * FROM approvals WHERE incident_id = $1 ORDER BY created_at, id',
      [incidentId],
    );
    return result.rows.map(toApproval);
  }

  async setMessage(id: number, message: PostedMessage): Promise<void> {
    await this.db.query('UPDATE approvals SET message_channel = $2, message_id = $3 WHERE id = $1', [
      id,
      message.channel,
      message.id,
    ]);
  }

  /** pending → approved, only while it has not expired; `note` says why a self-approval was allowed. */
  approve(id: number, approver: string, at: Date, note?: string): Promise<Approval | undefined> {
    return this.move(
      id,
      'pending',
      'approved',
      'approver = $4, decided_at = $5, approval_note = $6',
      [approver, at, note ?? null],
      'AND expires_at > $5',
    );
  }

  /** pending → rejected. */
  reject(id: number, by: string, at: Date): Promise<Approval | undefined> {
    return this.move(id, 'pending', 'rejected', 'approver = $4, decided_at = $5', [by, at]);
  }

  /** pending → expired, once its time is up. */
  expire(id: number, at: Date): Promise<Approval | undefined> {
    return this.move(id, 'pending', 'expired', 'decided_at = $4', [at], 'AND expires_at <= $4');
  }

  /** approved → running: the one process that gets the row back runs the fix. */
  start(id: number, at: Date): Promise<Approval | undefined> {
    return this.move(id, 'approved', 'running', 'started_at = $4', [at]);
  }

  /** running → succeeded | failed, with what happened. */
  finish(
    id: number,
    outcome: 'succeeded' | 'failed',
    at: Date,
    result: string,
    output: string | undefined,
  ): Promise<Approval | undefined> {
    return this.move(id, 'running', outcome, 'finished_at = $4, result = $5, output = $6', [
      at,
      result,
      output ?? null,
    ]);
  }

  private async move(
    id: number,
    from: ApprovalState,
    to: ApprovalState,
    sets: string,
    values: readonly unknown[],
    condition = '',
  ): Promise<Approval | undefined> {
    // `sets` and `condition` are constants of this file; values are bound ($4 onwards).
    const result = await this.db.query<ApprovalRow>(
      `UPDATE approvals SET state = $2, ${sets} WHERE id = $1 AND state = $3 ${condition} RETURNING *`,
      [id, to, from, ...values],
    );
    const row = result.rows[0];
    return row ? toApproval(row) : undefined;
  }
}

/** Reads the request an Approve or Reject button names; the payload is only an id, checked here. */
export async function approvalOfButton(payload: unknown, store: ApprovalStore): Promise<Approval> {
  const parsed = approvalButton.safeParse(payload);
  if (!parsed.success) throw badArgument('That button does not name a fix request.');
  const approval = await store.get(parsed.data.approvalId);
  if (!approval) throw notFound('That fix request no longer exists.');
  return approval;
}
