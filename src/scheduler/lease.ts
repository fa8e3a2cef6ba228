// Leases on claimed rows (timers, outbox steps): a process that claimed rows renews their lease while it
// works on them, so no other process takes over rows that are merely slow; a dead process's lease runs out.
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Db } from '../store/db.js';

export interface Leased {
  /** The table of the claimed rows (a constant of ours, never input). */
  table: 'timers' | 'outbox';
  /** The state the rows are in while this process holds them. */
  state: 'running' | 'pending';
  ids: readonly number[];
  owner: string;
  leaseMs: number;
}

/** Renews the lease of `leased.ids` every third of the lease until the returned function is called. */
export function keepLeases(db: Db, log: Logger, leased: Leased): () => void {
  const renew = (): void => {
    db.query(
      `UPDATE ${leased.table} SET locked_until = now() + make_interval(secs => $3::double precision / 1000)
        WHERE id = ANY($1::int[]) AND owner = $2 AND state = $4`,
      [leased.ids, leased.owner, leased.leaseMs, leased.state],
    ).catch((error: unknown) =>
      log.warn({ err: describeError(error), table: leased.table }, 'lease renewal failed'),
    );
  };
  const interval = setInterval(renew, Math.max(50, Math.floor(leased.leaseMs / 3)));
  return () => clearInterval(interval);
}
