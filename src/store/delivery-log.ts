// Deliveries already received from a chat platform, remembered in the store so that a request
// delivered again (a replay, a proxy's or the platform's retry) is acted on once across replicas.
// One INSERT … ON CONFLICT DO NOTHING decides: the replica whose row went in acts, the others ignore.
import type { Db } from './db.js';
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

export class DeliveryLog {
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  /** True when this is the first time `key` is seen (this call recorded it); false for a repeat. */
  async firstDelivery(key: string): Promise<boolean> {
    const inserted = await this.db.query(
      'INSERT INTO request_deliveries (key) VALUES ($1) ON CONFLICT (key) DO NOTHING RETURNING key',
      [key],
    );
    await this.pruneNowAndThen();
    return inserted.rowCount === 1;
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
