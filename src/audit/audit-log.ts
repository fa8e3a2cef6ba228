// The audit log: every command, proposal, approval, rejection, execution and result, as rows.
import type { Db } from '../store/db.js';

export interface AuditEntry {
  actor: string;
  platform: string;
  channel?: string;
  /** What happened: command, fix.requested, fix.approved, fix.rejected, fix.expired, fix.executed … */
  event: string;
  command?: string;
  target?: string;
  statement?: string;
  outcome: string;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: Date;
}

interface AuditRow {
  id: number;
  at: Date;
  actor: string;
  platform: string;
  channel: string | null;
  event: string;
  command: string | null;
  target: string | null;
  statement: string | null;
  outcome: string;
  detail: Record<string, unknown>;
}

export class AuditLog {
  /** `now`: the app's clock, so audit rows and the incident timeline tell one time. */
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (actor, platform, channel, event, command, target, statement, outcome, detail, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`,
      [
        entry.actor,
        entry.platform,
        entry.channel ?? null,
        entry.event,
        entry.command ?? null,
        entry.target ?? null,
        entry.statement ?? null,
        entry.outcome,
        JSON.stringify(entry.detail ?? {}),
        this.now(),
      ],
    );
  }

  async since(from: Date, limit = 200): Promise<AuditRecord[]> {
    const result = await this.db.query<AuditRow>(
      'SELECT * FROM audit_log WHERE at >= $1 ORDER BY at DESC, id DESC LIMIT $2',
      [from, limit],
    );
    return result.rows.map(toRecord);
  }

  /** Rows of one event about the given fix requests (`detail.approvalId`), oldest first. */
  async ofApprovals(event: string, approvalIds: readonly number[]): Promise<AuditRecord[]> {
    if (approvalIds.length === 0) return [];
    const result = await this.db.query<AuditRow>(
      `SELECT * FROM audit_log WHERE event = $1 AND detail ? 'approvalId'
          AND (detail->>'approvalId') = ANY($2::text[]) ORDER BY at, id`,
      [event, approvalIds.map(String)],
    );
    return result.rows.map(toRecord);
  }
}

function toRecord(r: AuditRow): AuditRecord {
  return {
    id: r.id,
    at: new Date(r.at),
    actor: r.actor,
    platform: r.platform,
    channel: r.channel ?? undefined,
    event: r.event,
    command: r.command ?? undefined,
    target: r.target ?? undefined,
    statement: r.statement ?? undefined,
    outcome: r.outcome,
    detail: r.detail,
  };
}
