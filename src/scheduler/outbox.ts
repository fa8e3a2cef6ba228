// The outbox: every chat side effect a flow must not lose (a war room, an alert, a reminder, a card
// update …) is a row written in the same transaction as the state change that causes it, then sent
// by this worker. Rows are claimed with FOR UPDATE SKIP LOCKED under a renewed lease, like timers,
// so a step is sent by one process at a time across replicas and restarts; a step whose process died
// is taken over when its lease runs out. Steps of one lane (an incident, a channel) go strictly in
// order: only the oldest pending step of a lane is ever claimed. A failure the platform calls
// temporary (5xx, 429, no answer) is retried with backoff, never sooner than its Retry-After, until
// the step's retry window (policy delivery.retryFor) closes; then the step is marked failed and the
// `onGiveUp` hook (audit, report) runs in the same transaction.
//
// Using it (a domain, at the composition root src/app.ts):
//   outbox.on('chat.post', (step) => …send…, return what the platform answered (JSON) …);
// and inside the transaction of a state change:
//   await outbox.enqueue(tx, { kind: 'chat.post', lane: 'incident:7', key: 'incident:7:alert', payload });
// then, after the commit, optionally `await outbox.deliver('incident:7')` to try at once in this
// process (the happy path stays as fast as a direct call). A later step may need what an earlier one
// returned (the id of a channel it created): `outbox.resultOf(key)` reads a done step's result.
import { randomUUID } from 'node:crypto';
import { ErrorCode, OpsError, describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { failingText, platformFailureOf } from '../core/platform-error.js';
import type { Db } from '../store/db.js';
import { keepLeases } from './lease.js';
import { PollLoop } from './poll-loop.js';

export interface NewStep {
  kind: string;
  /** Steps of one lane are sent in the order they were enqueued. */
  lane: string;
  payload: unknown;
  /** A name later steps use to find this step's result (unique). */
  key?: string;
  /** How long to keep retrying; the outbox's default (policy delivery.retryFor) when absent; null: forever. */
  retryForMs?: number | null;
}

export interface Step {
  id: number;
  kind: string;
  lane: string;
  key: string | null;
  payload: unknown;
  /** What an earlier attempt recorded before its outside call (see StepContext.saveProgress). */
  progress: unknown;
  attempts: number;
  createdAt: Date;
}

export interface StepContext {
  /** Records something before an outside call, so a retry after a crash knows it was tried. */
  saveProgress(progress: unknown): Promise<void>;
}

/** Sends a step; resolves with what the platform answered (stored as the step's result, JSON). */
export type StepHandler = (step: Step, context: StepContext) => Promise<unknown>;

export interface FailedStep extends Step {
  error: string;
}

export interface OutboxOptions {
  /**
   * The chat platform this outbox sends through (Slack and Teams cores side by side in one process
   * share the store): steps it enqueues carry it, and it claims only those (and unmarked ones).
   */
  platform?: string;
  pollMs?: number;
  leaseMs?: number;
  /** Default retry window of a step (policy delivery.retryFor). */
  retryForMs?: number;
  /** First retry delay; doubles per attempt up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  batch?: number;
  /** Runs in the transaction that marks a step failed for good (audit it, enqueue a report). */
  onGiveUp?: (tx: Db, step: FailedStep, outbox: Outbox) => Promise<void>;
}

export interface Delivery {
  /** Steps of the lane still waiting (a retry is planned). */
  pending: number;
  /** Why the first pending step is waiting, e.g. "Slack is failing (HTTP 500)". */
  failure?: string;
  /** Steps given up on during this call (a failure no retry can fix): what each was, and why. */
  failed: Array<{ what: string; error: string }>;
}

type Outcome = 'sent' | 'retry' | 'failed';
type FailureListener = (reason: string, error: string) => void;

export interface Backlog {
  pending: number;
  failed: number;
  /** Age of the oldest pending step, in seconds (0 when none). */
  oldestPendingSeconds: number;
}

interface StepRow {
  id: number;
  kind: string;
  lane: string;
  key: string | null;
  payload: unknown;
  progress: unknown;
  attempts: number;
  created_at: Date;
  give_up_at: Date | null;
}

const STEP_COLUMNS = 'id, kind, lane, key, payload, progress, attempts, created_at, give_up_at';
/** A deliver() call waits at most this long for steps another process holds. */
const DELIVER_WAIT_MS = 20_000;

export class Outbox {
  private readonly handlers = new Map<string, StepHandler>();
  private readonly owner = randomUUID();
  private readonly leaseMs: number;
  private readonly retryForMs: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly batch: number;
  private readonly platform: string | null;
  private readonly polling: PollLoop;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly options: OutboxOptions = {},
  ) {
    this.polling = new PollLoop(
      () => this.runDue(),
      options.pollMs ?? 250,
      (error) => this.log.error({ err: describeError(error) }, 'outbox poll failed'),
    );
    this.leaseMs = options.leaseMs ?? 30_000;
    this.retryForMs = options.retryForMs ?? 30 * 60_000;
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
    this.batch = options.batch ?? 20;
    this.platform = options.platform ?? null;
  }

  /** Registers what sends a step of this kind. */
  on(kind: string, handler: StepHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Adds a step in `via`, the transaction of the state change that causes it. Returns its id. */
  async enqueue(via: Db, step: NewStep): Promise<number> {
    const retryFor = step.retryForMs === undefined ? this.retryForMs : step.retryForMs;
    const result = await via.query<{ id: number }>(
      `INSERT INTO outbox (kind, lane, key, payload, platform, give_up_at)
       VALUES ($1, $2, $3, $4::jsonb, $6,
               CASE WHEN $5::double precision IS NULL THEN NULL
                    ELSE now() + make_interval(secs => $5::double precision / 1000) END)
       RETURNING id`,
      [step.kind, step.lane, step.key ?? null, JSON.stringify(step.payload ?? {}), retryFor, this.platform],
    );
    const id = result.rows[0]?.id;
    if (id === undefined) throw new Error('outbox insert returned no id');
    return id;
  }

  /**
   * Drops the pending steps whose key starts with `keyPrefix` and that no process is sending (marked
   * done, result `{ superseded: true }`), in `via`: a newer step makes them pointless (a reminder
   * that waited out an outage is replaced by the next one, instead of a burst of stale ones).
   */
  async supersede(via: Db, keyPrefix: string): Promise<number> {
    const result = await via.query(
      `UPDATE outbox SET state = 'done', result = '{"superseded": true}'::jsonb, done_at = now()
        WHERE state = 'pending' AND starts_with(key, $1) AND (locked_until IS NULL OR locked_until < now())`,
      [keyPrefix],
    );
    return result.rowCount;
  }

  /** What the step named `key` returned, once it is done; undefined before (or if it failed). */
  async resultOf(key: string): Promise<unknown> {
    const result = await this.db.query<{ result: unknown }>(
      "SELECT result FROM outbox WHERE key = $1 AND state = 'done'",
      [key],
    );
    return result.rows[0]?.result ?? undefined;
  }

  /** How a step named `key` stands: pending, done or failed (undefined when there is none). */
  async stateOf(key: string): Promise<'pending' | 'done' | 'failed' | undefined> {
    const result = await this.db.query<{ state: 'pending' | 'done' | 'failed' }>(
      'SELECT state FROM outbox WHERE key = $1',
      [key],
    );
    return result.rows[0]?.state;
  }

  async backlog(): Promise<Backlog> {
    const result = await this.db.query<{ pending: string; failed: string; oldest: number | null }>(
      `SELECT count(*) FILTER (WHERE state = 'pending') AS pending,
              count(*) FILTER (WHERE state = 'failed') AS failed,
              extract(epoch FROM now() - min(created_at) FILTER (WHERE state = 'pending'))::double precision AS oldest
         FROM outbox WHERE state <> 'done'`,
    );
    const row = result.rows[0];
    return {
      pending: Number(row?.pending ?? 0),
      failed: Number(row?.failed ?? 0),
      oldestPendingSeconds: Math.max(0, row?.oldest ?? 0),
    };
  }

  start(): void {
    this.polling.start();
  }

  /**
   * Stops polling, waits (at most `waitMs`) for the step in hand, then gives back the leases this
   * process holds, so another process (or this one, restarted) sends those steps at once.
   */
  async stop(waitMs = Number.POSITIVE_INFINITY): Promise<void> {
    await this.polling.stop(waitMs);
    try {
      await this.db.query(
        "UPDATE outbox SET owner = NULL, locked_until = NULL WHERE owner = $1 AND state = 'pending' AND locked_until IS NOT NULL",
        [this.owner],
      );
    } catch (error) {
      // The store is gone: the leases run out on their own.
      this.log.warn({ err: describeError(error) }, 'cannot release the outbox leases');
    }
  }

  /** Sends every due step (all lanes); returns how many were sent. */
  async runDue(): Promise<number> {
    let sent = 0;
    for (;;) {
      const claimed = await this.claim(undefined);
      if (claimed.length === 0) return sent;
      for (const outcome of await this.sendAll(claimed)) if (outcome === 'sent') sent += 1;
      if (this.polling.stopped) return sent;
    }
  }

  /**
   * Sends the due steps of `lane` now, in this process, until the lane is empty or a step has to
   * wait for a retry; waits (bounded) for steps another process holds. Says what is still pending.
   */
  async deliver(lane: string): Promise<Delivery> {
    const deadline = Date.now() + DELIVER_WAIT_MS;
    let failure: string | undefined;
    let message = '';
    const failed: Delivery['failed'] = [];
    // Set when a claim found nothing though the lane's next step was due: one more claim is worth it
    // (another process just sent the step before), a second empty one is not (the step is not ours
    // to send), so this call never polls the store without a pause.
    let claimedNothing = false;
    for (;;) {
      const [step] = await this.claim(lane);
      if (step) {
        const [outcome] = await this.sendAll([step], (reason, error) => {
          failure = reason;
          message = error;
        });
        if (outcome === 'sent') continue;
        if (outcome === 'failed') {
          failed.push({ what: whatOf(step), error: message });
          failure = undefined;
          continue;
        }
      }
      const status = await this.laneStatus(lane);
      if (status.pending === 0) return { pending: 0, failed };
      if (Date.now() > deadline)
        return { pending: status.pending, failure: failure ?? status.lastError ?? undefined, failed };
      // The poll loop (or another process) sent the step this call waited for, and the next one is
      // due: take it, rather than report a delivery "on its way" that nothing holds up.
      if (status.nextDue && !status.heldElsewhere && (step !== undefined || !claimedNothing)) {
        claimedNothing = step === undefined;
        continue;
      }
      // Waiting for a planned retry, or for another process that holds the step for too long.
      if (!status.heldElsewhere)
        return { pending: status.pending, failure: failure ?? status.lastError ?? undefined, failed };
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async laneStatus(
    lane: string,
  ): Promise<{ pending: number; heldElsewhere: boolean; lastError: string | null; nextDue: boolean }> {
    const result = await this.db.query<{
      pending: string;
      held: boolean | null;
      last_reason: string | null;
      next_due: boolean | null;
    }>(
      `SELECT count(*) AS pending,
              bool_or(locked_until > now()) AS held,
              (array_agg(last_reason ORDER BY id))[1] AS last_reason,
              (array_agg(next_at <= now() ORDER BY id))[1] AS next_due
         FROM outbox WHERE lane = $1 AND state = 'pending'`,
      [lane],
    );
    const row = result.rows[0];
    return {
      pending: Number(row?.pending ?? 0),
      heldElsewhere: row?.held === true,
      lastError: row?.last_reason ?? null,
      nextDue: row?.next_due === true,
    };
  }

  /**
   * Claims the oldest pending step of each lane whose turn has come (of one lane, or of all), of the
   * kinds this process can send: during a rolling deploy, a replica still on the previous version
   * leaves a step of a kind it does not know (one the new version added) to a replica that does,
   * instead of taking it and failing it for good.
   */
  private async claim(lane: string | undefined): Promise<Step[]> {
    const result = await this.db.query<StepRow>(
      `UPDATE outbox SET owner = $1, attempts = attempts + 1,
              locked_until = now() + make_interval(secs => $2::double precision / 1000)
        WHERE id IN (
          SELECT o.id FROM outbox o
           WHERE o.state = 'pending' AND o.next_at <= now()
             AND (o.locked_until IS NULL OR o.locked_until < now())
             AND ($4::text IS NULL OR o.lane = $4)
             AND (o.platform IS NULL OR $5::text IS NULL OR o.platform = $5)
             AND o.kind = ANY($6::text[])
             AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.lane = o.lane AND e.state = 'pending' AND e.id < o.id)
           ORDER BY o.id
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING ${STEP_COLUMNS}`,
      [this.owner, this.leaseMs, this.batch, lane ?? null, this.platform, [...this.handlers.keys()]],
    );
    return result.rows.sort((a, b) => a.id - b.id).map(toStep);
  }

  /** Sends claimed steps one by one under a renewed lease. */
  private async sendAll(steps: Step[], onFailure?: FailureListener): Promise<Outcome[]> {
    const stopRenewing = keepLeases(this.db, this.log, {
      table: 'outbox',
      state: 'pending',
      ids: steps.map((s) => s.id),
      owner: this.owner,
      leaseMs: this.leaseMs,
    });
    try {
      const outcomes: Outcome[] = [];
      for (const step of steps) outcomes.push(await this.sendOne(step, onFailure));
      return outcomes;
    } finally {
      stopRenewing();
    }
  }

  private async sendOne(step: Step, onFailure?: FailureListener): Promise<Outcome> {
    const handler = this.handlers.get(step.kind);
    const context: StepContext = {
      saveProgress: async (progress) => {
        await this.db.query('UPDATE outbox SET progress = $3::jsonb WHERE id = $1 AND owner = $2', [
          step.id,
          this.owner,
          JSON.stringify(progress ?? null),
        ]);
      },
    };
    try {
      if (!handler) throw new Error(`no handler for outbox step kind ${step.kind}`);
      const answer = await handler(step, context);
      await this.db.query(
        `UPDATE outbox SET state = 'done', result = $3::jsonb, done_at = now(), locked_until = NULL
          WHERE id = $1 AND owner = $2`,
        [step.id, this.owner, JSON.stringify(answer ?? null)],
      );
      return 'sent';
    } catch (error) {
      onFailure?.(reasonOf(error), describeError(error));
      return (await this.failed(step, error)) ? 'failed' : 'retry';
    }
  }

  /** Plans the next attempt, or gives up (past the retry window, or a failure retrying cannot fix). */
  /** Returns whether the step was given up on. */
  private async failed(step: Step, error: unknown): Promise<boolean> {
    const text = describeError(error).slice(0, 500);
    const failure = platformFailureOf(error);
    // Unknown errors (the store, a network hiccup) are retried; a refusal of the platform is final.
    const retryable = failure ? failure.retryable : !isFinal(error);
    const backoff = Math.min(this.maxBackoffMs, this.backoffMs * 2 ** Math.max(0, step.attempts - 1));
    const jittered = backoff * (0.8 + Math.random() * 0.4);
    const delayMs = Math.max(jittered, failure?.retryAfterMs ?? 0);
    this.log.warn(
      { step: step.id, kind: step.kind, lane: step.lane, attempts: step.attempts, err: describeError(error) },
      'outbox step not sent',
    );
    return this.db.transaction(async (tx) => {
      const planned = await tx.query<{ give_up: boolean }>(
        `UPDATE outbox SET last_error = $3, last_reason = $6, locked_until = NULL,
                next_at = now() + make_interval(secs => $4::double precision / 1000)
          WHERE id = $1 AND owner = $2 AND state = 'pending'
          RETURNING (NOT $5::boolean OR (give_up_at IS NOT NULL AND give_up_at < next_at)) AS give_up`,
        [step.id, this.owner, text, delayMs, retryable, reasonOf(error)],
      );
      if (planned.rows[0]?.give_up !== true) return false;
      await tx.query("UPDATE outbox SET state = 'failed', done_at = now() WHERE id = $1", [step.id]);
      this.log.error(
        { step: step.id, kind: step.kind, lane: step.lane, err: text },
        'outbox step failed for good',
      );
      await this.options.onGiveUp?.(tx, { ...step, error: text }, this);
      return true;
    });
  }
}

const FINAL_CODES: ReadonlySet<string> = new Set([
  ErrorCode.BadArgument,
  ErrorCode.NotFound,
  ErrorCode.Forbidden,
  ErrorCode.Conflict,
  ErrorCode.NotConfigured,
]);

/** Errors that will not change on a retry: a bad payload, a step no code handles, a channel that does not exist. */
function isFinal(error: unknown): boolean {
  if (error instanceof OpsError) return FINAL_CODES.has(error.code);
  return error instanceof Error && (error.name === 'ZodError' || error.message.startsWith('no handler'));
}

/** Why a step waits, in a few words people can read ("Slack is failing (HTTP 500)"). */
function reasonOf(error: unknown): string {
  const failure = platformFailureOf(error);
  return failure ? failingText(failure) : 'the step could not be sent';
}

/** What a step is, for people: its payload's `what`, else its kind. */
export function whatOf(step: Pick<Step, 'kind' | 'payload'>): string {
  const what = (step.payload as { what?: unknown } | null)?.what;
  return typeof what === 'string' ? what : step.kind;
}

function toStep(row: StepRow): Step {
  return {
    id: row.id,
    kind: row.kind,
    lane: row.lane,
    key: row.key,
    payload: row.payload,
    progress: row.progress,
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
  };
}
