// Health checks run side by side, each bounded: a check that does not finish in time is reported as
// timed out while the others still answer. Shared by `health` and `health oracle-bi`.
import { isOpsError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { formatMs, verdict } from './verdict.js';

export type CheckState = 'healthy' | 'unhealthy' | 'not configured';

export interface CheckResult {
  name: string;
  state: CheckState;
  latencyMs?: number;
  detail: string;
}

export interface CheckOutcome {
  healthy: boolean;
  latencyMs?: number;
  detail: string;
}

export interface Check {
  name: string;
  /** The variable to set, when the target is not configured; the check does not run. */
  missing?: string;
  run?: () => Promise<CheckOutcome>;
}

// Targets bound their own calls by OATIE_TARGET_TIMEOUT_MS; this margin only catches a check that
// would not (several calls in a row, a bug), so the answer never hangs.
const DEADLINE_MARGIN_MS = 1000;

async function runOne(check: Check, timeoutMs: number, log: Logger): Promise<CheckResult> {
  if (check.missing !== undefined || !check.run) {
    return {
      name: check.name,
      state: 'not configured',
      detail: `not configured (set ${check.missing ?? '?'})`,
    };
  }
  const deadlineMs = timeoutMs + DEADLINE_MARGIN_MS;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ healthy: false, detail: `no answer within ${formatMs(deadlineMs)}` }),
      deadlineMs,
    );
  });
  try {
    const outcome = await Promise.race([check.run(), deadline]);
    return {
      name: check.name,
      state: outcome.healthy ? 'healthy' : 'unhealthy',
      latencyMs: outcome.latencyMs,
      detail: outcome.detail,
    };
  } catch (error) {
    if (!isOpsError(error)) log.error({ check: check.name, err: String(error) }, 'health check failed');
    const detail = isOpsError(error) ? error.message : 'the check failed unexpectedly (see the bot’s log)';
    return { name: check.name, state: 'unhealthy', detail };
  } finally {
    clearTimeout(timer);
  }
}

export function runChecks(checks: readonly Check[], timeoutMs: number, log: Logger): Promise<CheckResult[]> {
  return Promise.all(checks.map((c) => runOne(c, timeoutMs, log)));
}

/** Times a call: its result and how long it took, in milliseconds. */
export async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await call();
  return { value, ms: Math.round(performance.now() - started) };
}

const STATE_LABEL: Record<CheckState, string> = {
  healthy: verdict('ok', 'healthy'),
  unhealthy: verdict('bad', 'unhealthy'),
  'not configured': '⚙️ not configured',
};

/** Table rows: check, status, latency, detail. */
export function checkRows(results: readonly CheckResult[]): string[][] {
  return results.map((r) => [
    r.name,
    STATE_LABEL[r.state],
    r.latencyMs === undefined ? '—' : formatMs(r.latencyMs),
    r.detail,
  ]);
}
