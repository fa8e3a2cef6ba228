// Deliveries already received from a chat platform, remembered in the store so that a request
// delivered again (a replay, a proxy's or the platform's retry) is acted on once across replicas.
// One INSERT … ON CONFLICT DO NOTHING decides: the replica whose row went in acts, the others ignore.
import type { Db } from './db.js';
import { WriteWindow } from './write-window.js';
import type { Migration } from './migrations.js';

export const deliveriesMigration: Migration = {
  name: '011-request-deliveries',
  sql: `
CREATE TABLE request_deliveries (
  key text PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX request_deliveries_received ON request_deliveries (received_at);
`,
};

/**
 * How long a delivery is remembered. Slack signs a request for 5 minutes either side of its timestamp,
 * so the same bytes can arrive for up to 10 minutes; kept a little longer than that.
 */
export const DELIVERY_MEMORY_MS = 15 * 60_000;
/** Old rows are pruned at most this often per process (a DELETE on an indexed column). */
const PRUNE_EVERY_MS = 60_000;
/**
 * The chat adapters' window: a command waits at most this long more before it runs, and less when
 * FULL_BATCH keys are waiting (a busy bot, whose work queue must not hold its places for the window).
 */
export const DELIVERY_WINDOW_MS = 5;
/** Keys that end the window early. */
const FULL_BATCH = 8;
/** Keys per INSERT. */
const MAX_BATCH = 1000;

interface Waiting {
  resolve(first: boolean): void;
  reject(error: Error): void;
}

export class DeliveryLog {
  private lastPrune = 0;
  /** Keys not yet written, each with who asked (the same key twice: the first asker is the first). */
  private pending = new Map<string, Waiting[]>();
  private readonly batches: WriteWindow;

  /** `windowMs`: how long the first key of a batch waits for others; 0 writes at the next turn. */
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    windowMs = 0,
  ) {
    this.batches = new WriteWindow({
      windowMs,
      fullBatch: FULL_BATCH,
      waiting: () => this.pending.size,
      writeBatch: () => this.writeBatch(),
    });
  }

  /** True when this is the first time `key` is seen (this call recorded it); false for a repeat. */
  firstDelivery(key: string): Promise<boolean> {
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.pending.set(key, [{ resolve, reject }]);
      this.batches.added();
    });
  }

  private async writeBatch(): Promise<void> {
    const batch = [...this.pending].slice(0, MAX_BATCH);
    for (const [key] of batch) this.pending.delete(key);
    try {
      const inserted = await this.db.query<{ key: string }>(
        `INSERT INTO request_deliveries (key) SELECT unnest($1::text[])
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [batch.map(([key]) => key)],
      );
      const first = new Set(inserted.rows.map((row) => row.key));
      for (const [key, [asker, ...others]] of batch) {
        asker?.resolve(first.has(key));
        for (const other of others) other.resolve(false);
      }
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      for (const [, askers] of batch) for (const asker of askers) asker.reject(reason);
    }
    // Pruning is housekeeping (at most once a minute): a failure is retried at the next chance.
    await this.pruneNowAndThen().catch(() => undefined);
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.db.query(
      "DELETE FROM request_deliveries WHERE received_at < now() - $1::integer * interval '1 millisecond'",
      [DELIVERY_MEMORY_MS],
    );
  }
}
