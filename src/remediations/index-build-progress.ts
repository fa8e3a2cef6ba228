// What a CREATE INDEX CONCURRENTLY is doing, read from pg_stat_progress_create_index while it runs:
// its phase and, while it waits for older transactions, which sessions it waits for — so the card
// does not sit at "Running now" for half an hour in silence.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import type { SqlTarget } from '../targets/targets.js';
import { rowsOf } from './sql-rows.js';

const POLL_MS = 1000;

const progressRow = z.object({
  pid: z.number(),
  /** The index being built ('0' until its catalog entry exists). */
  index_relid: z.string(),
  phase: z.string(),
  lockers_total: z.number(),
  lockers_done: z.number(),
  blocks_total: z.number(),
  blocks_done: z.number(),
  waiting_for: z.array(z.number()),
});
export type BuildProgress = z.infer<typeof progressRow>;

// The build's own backend waits on the virtual transactions of older sessions; pg_blocking_pids
// names them (and current_locker_pid the one it waits on now).
const PROGRESS_SQL = `
SELECT p.pid, p.index_relid::text, p.phase, p.lockers_total::int, p.lockers_done::int,
       p.blocks_total::float8, p.blocks_done::float8,
       coalesce(array_remove(array_append(pg_blocking_pids(p.pid), nullif(p.current_locker_pid, 0)), NULL), '{}')::int[]
         AS waiting_for
  FROM pg_stat_progress_create_index p
 WHERE p.relid = $1::oid AND p.pid = $2 AND p.datid = (SELECT oid FROM pg_database WHERE datname = current_database())`;

/** The progress of the build that the backend `pid` runs on the table. */
export async function readBuildProgress(
  target: SqlTarget,
  tableOid: string,
  pid: number,
): Promise<BuildProgress | undefined> {
  const [row] = await rowsOf(target, PROGRESS_SQL, [tableOid, pid], progressRow);
  return row;
}

/** "waiting for old snapshots: 1 of 3 older transactions done, waiting for pid 4242". */
export function describeProgress(p: BuildProgress): string {
  const pids = [...new Set(p.waiting_for)];
  const waiting = pids.length > 0 ? `, waiting for pid ${pids.join(', ')} (open transactions)` : '';
  const lockers =
    p.lockers_total > 0 ? `: ${p.lockers_done} of ${p.lockers_total} older transactions done` : '';
  const blocks =
    p.blocks_total > 0 ? `: ${Math.floor((p.blocks_done / p.blocks_total) * 100)}% of the table read` : '';
  return `${p.phase}${lockers || blocks}${waiting}`;
}

/** Reports the progress of the build `pid` runs through `report` until `done` settles; returns the
 * last one seen. */
export async function watchBuild(
  target: SqlTarget,
  tableOid: string,
  pid: number,
  done: Promise<unknown>,
  report: (text: string) => Promise<void>,
): Promise<BuildProgress | undefined> {
  let finished = false;
  const stop = (): void => {
    finished = true;
  };
  // Both handlers: the build's failure is the caller's to read, not an unhandled rejection here.
  done.then(stop, stop);
  let last: BuildProgress | undefined;
  while (!finished) {
    await Promise.race([sleep(POLL_MS), done.catch(() => undefined)]);
    if (finished) break;
    try {
      const now = await readBuildProgress(target, tableOid, pid);
      if (now) {
        last = now;
        await report(describeProgress(now));
      }
    } catch {
      // Progress is a courtesy: a failed read never disturbs the build.
    }
  }
  return last;
}
