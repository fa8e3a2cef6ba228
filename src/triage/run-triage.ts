// Runs a symptom's checks at once, each under its own timeout and all under one deadline: a check
// that has not answered by then is "timed out", and nothing it says later is shown. `onProgress`
// hears of every row as it finishes, so the card can show the first rows at once.
import { formatMs } from '../diagnostics/verdict.js';
import { reportError, type CheckContext, type CheckReport, type TriageCheck } from './triage-check.js';

export interface RowResult {
  check: TriageCheck;
  /** undefined while the check runs. */
  report?: CheckReport;
}

export interface TriageTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: TriageTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface RunOptions {
  /** Each check gives up after this. */
  checkTimeoutMs: number;
  /** Every row is settled by then, whatever hangs. */
  deadlineMs: number;
  onProgress?: (rows: readonly RowResult[]) => void;
  /** Timers to use (tests pass fake ones to drive the clock). */
  timers?: TriageTimers;
}

const timedOut = (ms: number): CheckReport => ({
  state: 'timed out',
  evidence: `no answer within ${formatMs(ms)}`,
  buttons: [],
});

/** Settles every row by `min(checkTimeout, deadline)` after the start; resolves with all rows. */
export function runTriage(
  checks: readonly TriageCheck[],
  ctx: CheckContext,
  options: RunOptions,
): Promise<RowResult[]> {
  const timers = options.timers ?? realTimers;
  const limitMs = Math.min(options.checkTimeoutMs, options.deadlineMs);
  const rows: RowResult[] = checks.map((check) => ({ check }));
  let pending = rows.length;
  return new Promise((resolve) => {
    if (pending === 0) {
      resolve(rows);
      return;
    }
    const settle = (row: RowResult, report: CheckReport) => {
      if (row.report) return; // already timed out (or answered): a late answer changes nothing
      row.report = report;
      pending -= 1;
      options.onProgress?.(rows);
      if (pending === 0) {
        timers.clearTimeout(timer);
        resolve(rows);
      }
    };
    // One timer for all: every check starts now, so their own timeouts all fall at the same moment.
    const timer = timers.setTimeout(() => {
      for (const row of rows) settle(row, timedOut(limitMs));
    }, limitMs);
    const lanes = new Map<string, Promise<unknown>>();
    for (const row of rows) {
      const run = () =>
        row.check.run(ctx).then(
          (report) => settle(row, report),
          (error: unknown) => settle(row, reportError(error, ctx, row.check.id)),
        );
      if (row.check.lane === undefined) {
        void run();
        continue;
      }
      // After the deadline a lane stops: nothing more is started on a target that hangs.
      const next = (lanes.get(row.check.lane) ?? Promise.resolve()).then(() =>
        row.report ? undefined : run(),
      );
      lanes.set(row.check.lane, next);
    }
  });
}
