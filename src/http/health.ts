// The bot's own health in the guide's shape ({ status, timestamp, checks }): its store, each
// configured target, the backlog of work it owes, disk and memory. A target that is down makes it
// `degraded` but still 200 — the bot is most needed when the platform is down, and Kubernetes must
// not restart it then; only its own store being unreachable is `unhealthy` (503).
// Cheap to poll: target checks are cached for a few seconds and only one round runs at a time.
import { statfs } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { totalmem } from 'node:os';
import type { Check } from '../diagnostics/health-checks.js';
import { runChecks } from '../diagnostics/health-checks.js';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { maskSecrets } from '../core/secrets.js';

export type CheckStatus = 'ok' | 'warn' | 'down';

export interface HealthCheck {
  status: CheckStatus;
  latencyMs?: number;
  /** Why it is not ok (no secrets); absent when ok. */
  reason?: string;
  [detail: string]: unknown;
}

export interface HealthReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  timestamp: string;
  checks: Record<string, HealthCheck>;
}

/** What a backlog check reports: work due and not done, and how late the oldest is. */
export interface Backlog {
  due: number;
  oldestLateMs: number;
}

export interface HealthSources {
  /** The bot's own store answers (SELECT 1). */
  store(): Promise<void>;
  /** The configured targets' checks (the `health` command's). */
  targets(): Check[];
  /** Work owed to the chat platform that is due and not sent (the outbox; the timers until it lands). */
  backlog(): Promise<Backlog>;
  /** A directory the bot writes to (the embedded store's, or /tmp). */
  diskPath: string;
  log: Logger;
  timeoutMs: number;
  now?: () => Date;
}

const TARGET_CACHE_MS = 10_000;
const STORE_TIMEOUT_MS = 2000;
/** Due work older than this means the bot is not keeping up (the pollers run every 250 ms). */
const BACKLOG_LATE_MS = 60_000;
const DISK_LOW_FRACTION = 0.05;
const MEMORY_HIGH_FRACTION = 0.9;

async function timedCheck(run: () => Promise<HealthCheck>): Promise<HealthCheck> {
  const started = performance.now();
  try {
    const result = await run();
    return { ...result, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      status: 'down',
      latencyMs: Math.round(performance.now() - started),
      reason: maskSecrets(describeError(error)),
    };
  }
}

function bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The memory limit of this container (cgroup v2 or v1), else the machine's memory. */
async function memoryLimit(): Promise<number> {
  for (const file of ['/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory/memory.limit_in_bytes']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const bytes = Number(text.trim());
    if (Number.isFinite(bytes) && bytes > 0 && bytes < totalmem() * 4) return bytes;
  }
  return totalmem();
}

export class HealthMonitor {
  private targetChecks: { at: number; checks: Record<string, HealthCheck> } | undefined;
  private round: Promise<HealthReport> | undefined;
  private readonly now: () => Date;

  constructor(private readonly sources: HealthSources) {
    this.now = sources.now ?? (() => new Date());
  }

  /** The report, and the HTTP status it answers with. Concurrent callers share one round. */
  async report(): Promise<{ httpStatus: number; report: HealthReport }> {
    this.round ??= this.runRound().finally(() => (this.round = undefined));
    const report = await this.round;
    return { httpStatus: report.status === 'unhealthy' ? 503 : 200, report };
  }

  /** Does the store answer now (for /readyz)? Rejects with the reason. */
  checkStore(): Promise<void> {
    return bounded(this.sources.store(), STORE_TIMEOUT_MS, 'the store');
  }

  private async runRound(): Promise<HealthReport> {
    const [store, targets, backlog, disk, memory] = await Promise.all([
      timedCheck(async () => {
        await this.checkStore();
        return { status: 'ok' };
      }),
      this.targets(),
      timedCheck(() => this.backlog()),
      timedCheck(() => this.disk()),
      timedCheck(() => this.memory()),
    ]);
    const checks: Record<string, HealthCheck> = { store, ...targets, backlog, disk_space: disk, memory };
    const others = Object.entries(checks).filter(([name]) => name !== 'store');
    const status =
      store.status === 'down'
        ? 'unhealthy'
        : others.some(([, c]) => c.status !== 'ok')
          ? 'degraded'
          : 'healthy';
    return { status, timestamp: this.now().toISOString(), checks };
  }

  private async targets(): Promise<Record<string, HealthCheck>> {
    const cached = this.targetChecks;
    if (cached && performance.now() - cached.at < TARGET_CACHE_MS) return cached.checks;
    const configured = this.sources.targets().filter((c) => c.run !== undefined);
    const results = await runChecks(configured, this.sources.timeoutMs, this.sources.log);
    const checks = Object.fromEntries(
      results.map((r): [string, HealthCheck] => [
        r.name,
        r.state === 'healthy'
          ? { status: 'ok', latencyMs: r.latencyMs }
          : { status: 'down', latencyMs: r.latencyMs, reason: maskSecrets(r.detail) },
      ]),
    );
    this.targetChecks = { at: performance.now(), checks };
    return checks;
  }

  private async backlog(): Promise<HealthCheck> {
    const { due, oldestLateMs } = await bounded(this.sources.backlog(), STORE_TIMEOUT_MS, 'the backlog');
    const late = oldestLateMs > BACKLOG_LATE_MS;
    return {
      status: late ? 'warn' : 'ok',
      due,
      oldestLateMs,
      ...(late ? { reason: `${due} due, the oldest ${Math.round(oldestLateMs / 1000)} s late` } : {}),
    };
  }

  private async disk(): Promise<HealthCheck> {
    const s = await statfs(this.sources.diskPath);
    const free = s.bavail * s.bsize;
    const fraction = free / (s.blocks * s.bsize);
    const low = fraction < DISK_LOW_FRACTION;
    return {
      status: low ? 'warn' : 'ok',
      freeBytes: free,
      ...(low ? { reason: `${Math.round(fraction * 100)}% free on ${this.sources.diskPath}` } : {}),
    };
  }

  private async memory(): Promise<HealthCheck> {
    const rss = process.memoryUsage.rss();
    const limit = await memoryLimit();
    const high = rss / limit > MEMORY_HIGH_FRACTION;
    return {
      status: high ? 'warn' : 'ok',
      rssBytes: rss,
      limitBytes: limit,
      ...(high ? { reason: `resident ${Math.round((rss / limit) * 100)}% of the limit` } : {}),
    };
  }
}
