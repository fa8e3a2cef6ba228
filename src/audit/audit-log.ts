// The audit log: every command, proposal, approval, rejection, execution and result, as rows.
// Writes are batched (group commit): entries recorded within a short window, or while one INSERT is
// on its way, go together in one INSERT, so a stream of commands costs a few statements, not one each.
// `record` still resolves only once its row is written (or rejects with the store's error).
import type { Db } from '../store/db.js';
import { WriteWindow } from '../store/write-window.js';

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

/** Rows per INSERT: 10 parameters each, far below Postgres's 65,535. */
const MAX_BATCH = 500;

/**
 * The window of the bot's own audit log (src/app.ts): a command's answer waits at most this long more
 * for its row, and less when FULL_BATCH entries are waiting (a busy bot, whose work queue must not
 * hold its places for the window). At 300 commands a second, fewer INSERTs took 0.2–0.3 ms of the
 * bot's CPU off each command, and some of Postgres's (README, "Performance").
 */
export const AUDIT_WINDOW_MS = 10;
/** Entries that end the window early. */
const FULL_BATCH = 8;

export class AuditLog {
  /**
   * `now`: the app's clock, so audit rows and the incident timeline tell one time. `windowMs`: how long
   * the first entry of a batch waits for others; 0 (the default, and what a transaction's log must use,
   * since the transaction waits for it) writes at the next turn of the event loop.
   */
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
    windowMs = 0,
  ) {
    this.batches = new WriteWindow({
      windowMs,
      fullBatch: FULL_BATCH,
      waiting: () => this.pending.length,
      writeBatch: () => this.writeBatch(),
    });
  }

  private pending: Array<{ entry: AuditEntry; at: Date; done: (error?: Error) => void }> = [];
  private readonly batches: WriteWindow;

  record(entry: AuditEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      // The time is taken when the entry is recorded, not when its batch is written.
      this.pending.push({
        entry,
        at: this.now(),
        done: (error) => (error === undefined ? resolve() : reject(error)),
      });
      this.batches.added();
    });
  }

  private async writeBatch(): Promise<void> {
    const batch = this.pending.splice(0, MAX_BATCH);
    try {
      await this.insert(batch);
      for (const b of batch) b.done();
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      for (const b of batch) b.done(reason);
    }
  }

  private async insert(entries: ReadonlyArray<{ entry: AuditEntry; at: Date }>): Promise<void> {
    const values: unknown[] = [];
    const rows = entries.map(({ entry, at }) => {
      const base = values.length;
      values.push(
        entry.actor,
        entry.platform,
        entry.channel ?? null,
        entry.event,
        entry.command ?? null,
        entry.target ?? null,
        entry.statement ?? null,
        entry.outcome,
        JSON.stringify(entry.detail ?? {}),
        at,
      );
      const p = (i: number) => `$${base + i}`;
      return `(${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)}, ${p(9)}::jsonb, ${p(10)})`;
    });
    await this.db.query(
      `INSERT INTO audit_log (actor, platform, channel, event, command, target, statement, outcome, detail, at)
       VALUES ${rows.join(', ')}`,
      values,
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
