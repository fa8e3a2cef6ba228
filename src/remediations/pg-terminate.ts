// Terminating backends so that the card can say exactly what happened to each: every backend is
// signalled on its own statement (only while it still matches its identity), without waiting in
// the server; then the signalled ones are watched in pg_stat_activity for a bounded time.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ErrorCode, isOpsError } from '../core/errors.js';
import type { SqlTarget } from '../targets/targets.js';
import { failureText } from './failure-text.js';
import { MATCHING, matchParams, type BackendIdentity } from './pg-backends.js';
import { rowsOf } from './sql-rows.js';

/** What became of one backend of the list. */
export type Termination =
  /** Signalled and gone. */
  | { pid: number; outcome: 'terminated' }
  /** Signalled, still in pg_stat_activity when the wait ended. */
  | { pid: number; outcome: 'exiting' }
  /** No longer the listed backend in the listed query: left alone. */
  | { pid: number; outcome: 'skipped' }
  /** The server refused the signal, or the statement failed. */
  | { pid: number; outcome: 'failed'; reason: string }
  /** Not attempted: the database failed on an earlier backend of the list. */
  | { pid: number; outcome: 'unsent'; reason: string }
  /** Signalled, but the database stopped answering before its exit was seen. */
  | { pid: number; outcome: 'unconfirmed'; reason: string };

const POLL_MS = 100;

/** Signals `id` if it still matches; whether a signal was sent. */
async function signal(target: SqlTarget, id: BackendIdentity, own: readonly number[]): Promise<boolean> {
  // Without a timeout argument pg_terminate_backend returns at once: no wait can outlast
  // statement_timeout half-way through a list. false: the process was gone before the signal.
  const rows = await rowsOf(
    target,
    `SELECT pg_terminate_backend(a.pid) AS sent ${MATCHING}`,
    matchParams([id], own),
    z.object({ sent: z.boolean() }),
  );
  return rows[0]?.sent === true;
}

/** Of `ids`, those still connected as the same backend (same pid, same connection start). */
async function stillConnected(
  target: SqlTarget,
  ids: readonly BackendIdentity[],
): Promise<BackendIdentity[]> {
  const rows = await rowsOf(
    target,
    'SELECT pid, extract(epoch FROM backend_start)::text AS backend_start FROM pg_stat_activity WHERE pid = ANY($1::int[])',
    [ids.map((i) => i.pid)],
    z.object({ pid: z.number(), backend_start: z.string().nullable() }),
  );
  return ids.filter((i) => rows.some((r) => r.pid === i.pid && r.backend_start === i.backendStart));
}

/** Watches the signalled backends until all have exited or `waitMs` has passed. */
async function awaitExits(
  target: SqlTarget,
  signalled: readonly BackendIdentity[],
  waitMs: number,
): Promise<Termination[]> {
  const started = Date.now();
  let alive: readonly BackendIdentity[] = signalled;
  let lost: string | undefined;
  while (alive.length > 0) {
    try {
      alive = await stillConnected(target, alive);
    } catch (error) {
      lost = failureText(error);
      break;
    }
    if (alive.length === 0 || Date.now() - started + POLL_MS > waitMs) break;
    await sleep(POLL_MS);
  }
  return signalled.map((id): Termination => {
    if (!alive.includes(id)) return { pid: id.pid, outcome: 'terminated' };
    return lost === undefined
      ? { pid: id.pid, outcome: 'exiting' }
      : { pid: id.pid, outcome: 'unconfirmed', reason: lost };
  });
}

/** Terminates the backends among `ids` still matching their identity, and waits at most `waitMs`
 * for them to exit. One result per identity, in the order of `ids`. */
export async function terminateMatching(
  target: SqlTarget,
  ids: readonly BackendIdentity[],
  waitMs: number,
): Promise<Termination[]> {
  const own = await target.ownPids();
  const settled: Termination[] = [];
  const signalled: BackendIdentity[] = [];
  let stopped: string | undefined;
  for (const id of ids) {
    if (stopped !== undefined) {
      settled.push({ pid: id.pid, outcome: 'unsent', reason: stopped });
      continue;
    }
    try {
      if (await signal(target, id, own)) signalled.push(id);
      else settled.push({ pid: id.pid, outcome: 'skipped' });
    } catch (error) {
      const reason = failureText(error);
      settled.push({ pid: id.pid, outcome: 'failed', reason });
      // A refusal (insufficient privilege) concerns that backend only; a database that is down or
      // silent would fail every other one too, one timeout each.
      if (!isOpsError(error) || error.code !== ErrorCode.Internal) stopped = reason;
    }
  }
  const results = [...settled, ...(await awaitExits(target, signalled, waitMs))];
  return ids.flatMap((id) => results.filter((r) => r.pid === id.pid).slice(0, 1));
}
