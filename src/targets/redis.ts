// The Oatie Redis (OATIE_REDIS_URL), which holds the permission cache, through `ioredis`: short
// connect and command timeouts, a few reconnect attempts at most, and a hard deadline on every call
// so an answer never waits on a reconnect loop. OATIE_REDIS_PREFIX is applied to every key here.
import { Redis } from 'ioredis';
import { ErrorCode, OpsError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { CacheTarget } from './targets.js';

export interface RedisTargetOptions {
  timeoutMs: number;
  /** Prepended to every key (OATIE_REDIS_PREFIX), e.g. `oatie:`. */
  keyPrefix: string;
  log: Logger;
}

/** host:port/db as people read it; never the password. */
export function describeRedisUrl(url: string): string {
  const parsed = new URL(url);
  const db = parsed.pathname.replace(/^\//, '') || '0';
  return `${parsed.hostname || 'localhost'}:${parsed.port || '6379'}/${db}`;
}

const RECONNECT_ATTEMPTS = 2;
const DEADLINE_GRACE_MS = 250;

export class RedisTarget implements CacheTarget {
  readonly description: string;
  readonly keyPrefix: string;
  private readonly client: Redis;
  private lastError: Error | undefined;
  private connecting: Promise<void> | undefined;

  constructor(
    url: string,
    private readonly options: RedisTargetOptions,
  ) {
    this.description = describeRedisUrl(url);
    this.keyPrefix = options.keyPrefix;
    this.client = new Redis(url, {
      lazyConnect: true,
      connectTimeout: options.timeoutMs,
      commandTimeout: options.timeoutMs,
      maxRetriesPerRequest: 1,
      // A few quick attempts, then stop; the next call connects again (see `call`).
      retryStrategy: (times) => (times > RECONNECT_ATTEMPTS ? null : Math.min(times * 200, 1000)),
      keyPrefix: options.keyPrefix,
      connectionName: 'oatie-ops',
      enableAutoPipelining: false,
      // ioredis waits this long for a dead socket to report "close" on disconnect, holding the process open.
      disconnectTimeout: 200,
    });
    this.client.on('error', (error: Error) => {
      this.lastError = error;
    });
  }

  async ping(): Promise<number> {
    return this.call(async () => {
      const started = performance.now();
      await this.client.ping();
      return Math.round((performance.now() - started) * 10) / 10;
    });
  }

  get(key: string): Promise<string | null> {
    return this.call(() => this.client.get(key));
  }

  ttl(key: string): Promise<number> {
    return this.call(() => this.client.ttl(key));
  }

  del(...keys: string[]): Promise<number> {
    if (keys.length === 0) return Promise.resolve(0);
    return this.call(() => this.client.del(...keys));
  }

  async close(): Promise<void> {
    // QUIT waits for a connection; only a ready one can take it. Anything else (reconnecting) just stops.
    if (this.client.status !== 'ready') {
      this.client.disconnect();
      return;
    }
    await this.client.quit().catch(() => this.client.disconnect());
  }

  /** Runs one command: connects first when needed, and gives up at the deadline whatever ioredis does. */
  private async call<T>(command: () => Promise<T>): Promise<T> {
    // Connecting and the command share one budget: the answer comes within the timeout, whatever ioredis does.
    const deadlineMs = this.options.timeoutMs + DEADLINE_GRACE_MS;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new OpsError(ErrorCode.Timeout, this.timedOut())), deadlineMs);
    });
    try {
      return await Promise.race([this.connected().then(command), deadline]);
    } catch (error) {
      throw this.toOpsError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private connected(): Promise<void> {
    const status = this.client.status;
    if (status !== 'wait' && status !== 'end') return Promise.resolve();
    this.lastError = undefined;
    this.connecting ??= this.client.connect().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private timedOut(): string {
    return `The Oatie Redis at ${this.description} did not answer within ${this.options.timeoutMs} ms.`;
  }

  private toOpsError(error: unknown): OpsError {
    if (error instanceof OpsError) return error;
    const cause = this.lastError ?? (error instanceof Error ? error : undefined);
    const code = (cause as { code?: unknown } | undefined)?.code;
    const text = `${cause?.message ?? ''} ${error instanceof Error ? error.message : ''}`;
    const down = (reason: string) =>
      new OpsError(ErrorCode.TargetDown, `The Oatie Redis at ${this.description} ${reason}.`);
    if (code === 'ECONNREFUSED') return down('refused the connection (nothing listens on that port)');
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      return down('could not be reached: the host name does not resolve');
    if (/WRONGPASS|NOAUTH|invalid password|invalid username/i.test(text)) {
      return down('rejected the login: auth failed (check the password of OATIE_REDIS_URL)');
    }
    if (code === 'ETIMEDOUT' || /timed out|timeout/i.test(text)) {
      return new OpsError(ErrorCode.Timeout, this.timedOut());
    }
    this.options.log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      'redis call failed',
    );
    return down('could not be reached');
  }
}

export function openRedisTarget(url: string, options: RedisTargetOptions): RedisTarget {
  return new RedisTarget(url, options);
}
