// Durable timers: every reminder, escalation and review is a row in the store. Several processes
// poll the same table; a timer is claimed with FOR UPDATE SKIP LOCKED so exactly one runs it.
// A claim is a lease: if the process dies while running a timer, the lease runs out and another
// process (or the same one after restart) runs it. The outbox (outbox.ts), the chat side effects the
// flows must not lose, runs beside the timers: starting and stopping the scheduler drives both.
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { Logger } from '../core/logger.js';
import { keepLeases } from './lease.js';
import { describeError } from '../core/errors.js';
import { PollLoop } from './poll-loop.js';
import { Outbox, type OutboxOptions } from './outbox.js';

export interface Timer {
  id: number;
  kind: string;
  key: string | null;
  dueAt: Date;
  payload: unknown;
  attempts: number;
}

export type TimerHandler = (timer: Timer) => Promise<void>;

interface TimerRow {
  id: number;
  kind: string;
  key: string | null;
  due_at: Date;
  payload: unknown;
  attempts: number;
}

export interface SchedulerOptions {
  pollMs?: number;
  /** How long a claimed timer stays ours before another process may take it over. */
  leaseMs?: number;
  maxAttempts?: number;
  batch?: number;
  /** Timers run side by side (those of one key always one after the other). */
  parallel?: number;
  /**
   * The chat platform whose timers this scheduler runs (Slack and Teams cores side by side in one
   * process share the store): timers it schedules carry it, and it claims only those (and unmarked ones).
   */
  platform?: string;
  outbox?: OutboxOptions;
}

export class Scheduler {
  private readonly handlers = new Map<string, TimerHandler>();
  private readonly owner = randomUUID();
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly batch: number;
  private readonly parallel: number;
  private readonly platform: string | null;
  private readonly polling: PollLoop;
  /** Set by stop(): the timers claimed and not started yet are given back, not run. */
  private releasing = false;
  readonly outbox: Outbox;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    options: SchedulerOptions = {},
  ) {
    this.outbox = new Outbox(db, log.child({ part: 'outbox' }), {
      platform: options.platform,
      ...options.outbox,
    });
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.batch = options.batch ?? 20;
    this.parallel = options.parallel ?? 4;
    this.platform = options.platform ?? null;
    this.polling = new PollLoop(
      () => this.runDue(),
      options.pollMs ?? 250,
      (error) => this.log.error({ err: describeError(error) }, 'timer poll failed'),
    );
  }

  /** Registers what runs when a timer of this kind is due. */
  on(kind: string, handler: TimerHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Adds a timer; `via` is a transaction of the caller's, so the timer commits with the caller's own change. */
  async schedule(
    kind: string,
    dueAt: Date,
    payload: unknown = {},
    key?: string,
    via: Db = this.db,
  ): Promise<number> {
    const result = await via.query<{ id: number }>(
      'INSERT INTO timers (kind, key, due_at, payload, platform) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id',
      [kind, key ?? null, dueAt, JSON.stringify(payload), this.platform],
    );
    const id = result.rows[0]?.id;
    if (id === undefined) throw new Error('timer insert returned no id');
    return id;
  }

  /** Replaces the pending timers under `key` with one due at `dueAt` (a moved reminder); `via` as in schedule. */
  async reschedule(
    kind: string,
    key: string,
    dueAt: Date,
    payload: unknown = {},
    via: Db = this.db,
  ): Promise<number> {
    return via.transaction(async (tx) => {
      await tx.query("UPDATE timers SET state = 'cancelled' WHERE key = $1 AND state = 'pending'", [key]);
      const result = await tx.query<{ id: number }>(
        'INSERT INTO timers (kind, key, due_at, payload, platform) VALUES ($1, $2, $3, $4::jsonb, $5) RETURNING id',
        [kind, key, dueAt, JSON.stringify(payload), this.platform],
      );
      return result.rows[0]?.id ?? 0;
    });
  }

  /** Cancels pending timers whose key equals `key`, or starts with it when it ends in `*`. */
  async cancel(key: string, via: Db = this.db): Promise<number> {
    const prefix = key.endsWith('*');
    const result = await via.query(
      prefix
        ? "UPDATE timers SET state = 'cancelled' WHERE state = 'pending' AND starts_with(key, $1)"
        : "UPDATE timers SET state = 'cancelled' WHERE state = 'pending' AND key = $1",
      [prefix ? key.slice(0, -1) : key],
    );
    return result.rowCount;
  }

  /** Pending timers (for `incident timeline`, tests and the console). */
  async pending(keyPrefix = ''): Promise<Timer[]> {
    const result = await this.db.query<TimerRow>(
      "SELECT id, kind, key, due_at, payload, attempts FROM timers WHERE state = 'pending' AND starts_with(coalesce(key, ''), $1) ORDER BY due_at",
      [keyPrefix],
    );
    return result.rows.map(toTimer);
  }

  /** Timers due and not yet run, by any process: how many, and how late the oldest is (for /health). */
  async backlog(): Promise<{ due: number; oldestLateMs: number }> {
    const result = await this.db.query<{ due: number; late_ms: number | null }>(
      `SELECT count(*)::int AS due, (extract(epoch FROM now() - min(due_at)) * 1000)::float8 AS late_ms
         FROM timers WHERE state = 'pending' AND due_at <= now()`,
    );
    const row = result.rows[0];
    return { due: row?.due ?? 0, oldestLateMs: Math.max(0, Math.round(row?.late_ms ?? 0)) };
  }

  start(): void {
    this.releasing = false;
    this.outbox.start();
    this.polling.start();
  }

  /**
   * Stops polling, waits (at most `waitMs`) for the timer in hand, then gives back the lease of every
   * timer this process still holds — claimed but not started, or still running after the wait — so
   * another process takes them at once instead of when the lease runs out.
   */
  async stop(waitMs = Number.POSITIVE_INFINITY): Promise<void> {
    this.releasing = true;
    await this.polling.stop(waitMs);
    await this.releaseLeases();
    await this.outbox.stop(waitMs);
  }

  private async releaseLeases(): Promise<void> {
    try {
      const released = await this.db.query(
        `UPDATE timers SET state = 'pending', owner = NULL, locked_until = NULL, attempts = greatest(attempts - 1, 0)
          WHERE owner = $1 AND state = 'running'`,
        [this.owner],
      );
      if (released.rowCount > 0) this.log.info({ timers: released.rowCount }, 'timer leases released');
    } catch (error) {
      // The store is gone: the leases run out on their own and another process takes the timers then.
      this.log.warn({ err: describeError(error) }, 'cannot release the timer leases');
    }
  }

  /** Claims the due timers and runs them; returns how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const claimed = await this.claimDue();
      if (claimed.length === 0) return ran;
      const stopRenewing = keepLeases(this.db, this.log, {
        table: 'timers',
        state: 'running',
        ids: claimed.map((t) => t.id),
        owner: this.owner,
        leaseMs: this.leaseMs,
      });
      try {
        await this.runClaimed(claimed);
      } finally {
        stopRenewing();
      }
      ran += claimed.length;
      if (claimed.length < this.batch || this.polling.stopped) return ran;
    }
  }

  /**
   * Runs a claimed batch: the timers of one key (one incident's) in due order, one after the other; those
   * of different keys side by side, at most `parallel` at once, so that a batch of slow Slack calls or
   * store round trips does not make every later timer late.
   */
  private async runClaimed(claimed: readonly Timer[]): Promise<void> {
    const lanes = new Map<string, Timer[]>();
    for (const timer of claimed) {
      const key = timer.key ?? `#${timer.id}`;
      const lane = lanes.get(key);
      if (lane) lane.push(timer);
      else lanes.set(key, [timer]);
    }
    const waiting = [...lanes.values()];
    const worker = async (): Promise<void> => {
      for (let lane = waiting.shift(); lane; lane = waiting.shift()) {
        for (const timer of lane) {
          if (this.releasing) return; // the rest are released by stop()
          await this.runOne(timer);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.parallel, waiting.length) }, worker));
  }

  private async claimDue(): Promise<Timer[]> {
    const result = await this.db.query<TimerRow>(
      `UPDATE timers SET state = 'running', owner = $1, attempts = attempts + 1,
              locked_until = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id IN (
          SELECT id FROM timers
           WHERE ((state = 'pending' AND due_at <= now()) OR (state = 'running' AND locked_until < now()))
             AND (platform IS NULL OR $4::text IS NULL OR platform = $4)
             AND kind = ANY($5::text[])
           ORDER BY due_at
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING id, kind, key, due_at, payload, attempts`,
      // Only the kinds this process runs: in a rolling deploy, a timer of a kind the previous version
      // does not know waits for a replica that does, instead of failing there.
      [this.owner, this.leaseMs, this.batch, this.platform, [...this.handlers.keys()]],
    );
    return result.rows.map(toTimer).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
  }

  private async runOne(timer: Timer): Promise<void> {
    const handler = this.handlers.get(timer.kind);
    try {
      if (!handler) throw new Error(`no handler for timer kind ${timer.kind}`);
      await handler(timer);
      await this.db.query("UPDATE timers SET state = 'done', fired_at = now() WHERE id = $1 AND owner = $2", [
        timer.id,
        this.owner,
      ]);
    } catch (error) {
      const giveUp = timer.attempts >= this.maxAttempts;
      this.log.warn({ timer: timer.id, kind: timer.kind, err: describeError(error), giveUp }, 'timer failed');
      await this.db.query(
        `UPDATE timers SET state = $3, last_error = $4,
                due_at = now() + make_interval(secs => $5::double precision)
          WHERE id = $1 AND owner = $2`,
        [
          timer.id,
          this.owner,
          giveUp ? 'failed' : 'pending',
          describeError(error).slice(0, 500),
          2 ** timer.attempts,
        ],
      );
    }
  }
}

function toTimer(row: TimerRow): Timer {
  return {
    id: row.id,
    kind: row.kind,
    key: row.key,
    dueAt: new Date(row.due_at),
    payload: row.payload,
    attempts: row.attempts,
  };
}
