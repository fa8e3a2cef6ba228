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
  constructor(private readonly db: Db) {}

  async record(entry: AuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (actor, platform, channel, event, command, target, statement, outcome, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb)`,
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
      ],
    );
  }

  async since(from: Date, limit = 200): Promise<AuditRecord[]> {
    const result = await this.db.query<AuditRow>(
      'SELECT * FROM audit_log WHERE at >= $1 ORDER BY at DESC, id DESC LIMIT $2',
      [from, limit],
    );
    return result.rows.map((r) => ({
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
    }));
  }
}
