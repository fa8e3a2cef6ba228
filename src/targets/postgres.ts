// The Oatie database (OATIE_DATABASE_URL) through `pg`: a small dedicated pool that keeps one
// connection warm, so the bot can still diagnose a server whose connection slots are all taken.
import pg from 'pg';
import { isOpsError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import {
  isStatementError,
  isTimeoutCode,
  lockTimeoutFor,
  postgresError,
  statementFailure,
} from './postgres-errors.js';
import type { ReadOnlyResult, SqlSession, SqlTarget } from './targets.js';

export const APPLICATION_NAME = 'oatie-ops';

export interface PostgresTargetOptions {
  /** statement_timeout, lock_timeout and the connection timeout, in milliseconds. */
  timeoutMs: number;
  log: Logger;
  /** The only schema unqualified names resolve in (OATIE_PLATFORM_SCHEMA; validated as a plain name):
   * the server's default search_path starts with "$user", where a same-named table would shadow the
   * platform's. */
  platformSchema?: string;
}

/** host:port/database as people read it; never the user's password. */
export function describePostgresUrl(url: string): string {
  const parsed = new URL(url);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'postgres';
  return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
}

// A client-side read timeout beyond statement_timeout catches a server that stopped answering at all.
const READ_GRACE_MS = 2000;
const MAX_REWARM_DELAY_MS = 30_000;

/** The server process of a connected client (pg sets processID from the backend key data). */
function processIdOf(client: pg.Client | pg.PoolClient): number | undefined {
  const pid = (client as { processID?: unknown }).processID;
  return typeof pid === 'number' ? pid : undefined;
}

export class PostgresTarget implements SqlTarget {
  readonly description: string;
  private readonly pool: pg.Pool;
  private readonly pids = new Set<number>();
  private readonly sessionListeners: Array<(pids: readonly number[]) => void> = [];
  private closed = false;
  private rewarmDelay = 1000;
  private rewarmTimer: NodeJS.Timeout | undefined;
  /** The warm-up in progress, resolving to its failure if any: queries wait for it rather than open a
   * second connection beside it, and share its failure rather than wait a second timeout. */
  private warming: Promise<unknown> | undefined;

  constructor(
    private readonly url: string,
    private readonly options: PostgresTargetOptions,
  ) {
    this.description = describePostgresUrl(url);
    this.pool = new pg.Pool({
      ...this.connectionSettings(options.timeoutMs),
      max: 2,
      // `min: 1` exempts the warm connection from the idle timeout; the second one closes when idle.
      min: 1,
      idleTimeoutMillis: 60_000,
      allowExitOnIdle: true,
    });
    this.pool.on('connect', (client) => this.track(client));
    // An idle client dropped by the server (restart, pg_terminate_backend) must not crash the process.
    this.pool.on('error', (error) =>
      options.log.warn({ err: error.message, target: this.description }, 'warm connection lost'),
    );
    this.pool.on('remove', (client) => {
      this.untrack(client);
      if (this.pool.totalCount === 0) this.scheduleRewarm();
    });
    this.warm();
  }

  /** A connection of the pool, once the warm-up in progress (if any) is done. */
  private async connect(): Promise<pg.PoolClient> {
    try {
      const warmFailure = this.warming ? await this.warming : undefined;
      if (warmFailure !== undefined)
        throw postgresError(warmFailure, this.description, this.options.timeoutMs);
      return await this.pool.connect();
    } catch (error) {
      throw isOpsError(error) ? error : postgresError(error, this.description, this.options.timeoutMs);
    }
  }

  async query<R extends object = Record<string, unknown>>(
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<R[]> {
    return this.withPooled(async (client) => (await client.query<R>(sql, params as unknown[])).rows);
  }

  async readOnly<R extends object = Record<string, unknown>>(
    sql: string,
    options: { protocol?: 'extended' | 'simple' } = {},
  ): Promise<ReadOnlyResult<R>> {
    return this.withPooled(
      async (client) => {
        await client.query('BEGIN TRANSACTION READ ONLY');
        // pg sends a text without values through the simple protocol, which runs every statement it
        // holds; `queryMode: 'extended'` makes the server parse exactly one.
        const statement: pg.QueryConfig & { queryMode?: 'extended' } =
          options.protocol === 'simple' ? { text: sql } : { text: sql, queryMode: 'extended' };
        return client.query<R>(statement).then(
          (r) => ({ ok: true as const, rows: r.rows }),
          (error: unknown) => {
            if (!isStatementError(error) || isTimeoutCode(error)) throw error;
            return { ok: false as const, ...statementFailure(error) };
          },
        );
      },
      // Always rolled back: whatever the statement did (a function the planner folded) is undone.
      async (client) => {
        await client.query('ROLLBACK');
      },
    );
  }

  /**
   * Runs `work` on a pooled connection. A connection that dies while checked out (the server restarts,
   * the network resets it) makes pg emit 'error' on the client, which ends the process when nobody
   * listens: it is listened to here, and the connection discarded. A failed statement leaves the
   * connection usable (kept warm); anything else discards it. `cleanUp` runs on a sound connection
   * before it goes back to the pool; when it fails, the connection is discarded.
   */
  private async withPooled<T>(
    work: (client: pg.PoolClient) => Promise<T>,
    cleanUp?: (client: pg.PoolClient) => Promise<void>,
  ): Promise<T> {
    const client = await this.connect();
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      return await work(client);
    } catch (error) {
      if (!isStatementError(error)) broken = error instanceof Error ? error : new Error('connection failed');
      throw postgresError(error, this.description, this.options.timeoutMs);
    } finally {
      if (!broken && cleanUp)
        await cleanUp(client).catch((error: unknown) => {
          broken = error instanceof Error ? error : new Error('clean-up failed');
        });
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  async maintenance(sql: string, options: { timeoutMs: number }): Promise<{ rowCount: number }> {
    return this.withOwnClient(options.timeoutMs, async (client) => {
      try {
        const result = await client.query(sql);
        return { rowCount: result.rowCount ?? 0 };
      } catch (error) {
        throw postgresError(error, this.description, options.timeoutMs);
      }
    });
  }

  async session<T>(work: (session: SqlSession) => Promise<T>, options: { timeoutMs: number }): Promise<T> {
    return this.withOwnClient(options.timeoutMs, (client) =>
      work({
        pid: processIdOf(client) ?? 0,
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) => {
          try {
            return (await client.query<R>(sql, params as unknown[])).rows;
          } catch (error) {
            throw postgresError(error, this.description, options.timeoutMs);
          }
        },
      }),
    );
  }

  /** A connection of its own (not the pool's), tracked as the bot's while `work` runs, then closed. */
  private async withOwnClient<T>(timeoutMs: number, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({
      ...this.connectionSettings(this.options.timeoutMs),
      statement_timeout: timeoutMs,
      lock_timeout: lockTimeoutFor(timeoutMs),
      query_timeout: timeoutMs + READ_GRACE_MS,
    });
    client.on('error', () => undefined);
    try {
      try {
        await client.connect();
      } catch (error) {
        throw postgresError(error, this.description, timeoutMs);
      }
      this.track(client);
      return await work(client);
    } finally {
      this.untrack(client);
      await client.end().catch(() => undefined);
    }
  }

  ownPids(): Promise<number[]> {
    return Promise.resolve(this.sortedPids());
  }

  onSessionsChanged(listener: (pids: readonly number[]) => void): void {
    this.sessionListeners.push(listener);
  }

  private sortedPids(): number[] {
    return [...this.pids].sort((a, b) => a - b);
  }

  private sessionsChanged(): void {
    const pids = this.sortedPids();
    for (const listener of this.sessionListeners) listener(pids);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.rewarmTimer) clearTimeout(this.rewarmTimer);
    if (!this.pool.ended) await this.pool.end();
  }

  private connectionSettings(timeoutMs: number): pg.ClientConfig {
    return {
      connectionString: this.url,
      application_name: APPLICATION_NAME,
      options: `-c search_path=${this.options.platformSchema ?? 'public'}`,
      statement_timeout: timeoutMs,
      lock_timeout: lockTimeoutFor(timeoutMs),
      // A diagnostic never holds a transaction open; if one is left open by mistake, the server ends it.
      idle_in_transaction_session_timeout: Math.max(timeoutMs * 2, 10_000),
      query_timeout: timeoutMs + READ_GRACE_MS,
      connectionTimeoutMillis: timeoutMs,
      keepAlive: true,
    };
  }

  /** Opens the warm connection now, while the server still has free slots. */
  private warm(): void {
    if (this.closed) return;
    this.warming = this.pool
      .connect()
      .then((client) => {
        this.rewarmDelay = 1000;
        client.release();
        return undefined;
      })
      .catch((error: unknown) => {
        this.options.log.warn(
          { err: postgresError(error, this.description, this.options.timeoutMs).message },
          'cannot open the warm connection to the Oatie database; retrying',
        );
        this.scheduleRewarm();
        return error;
      })
      .finally(() => {
        this.warming = undefined;
      });
  }

  private scheduleRewarm(): void {
    if (this.closed || this.rewarmTimer) return;
    this.rewarmTimer = setTimeout(() => {
      this.rewarmTimer = undefined;
      if (this.pool.totalCount === 0) this.warm();
    }, this.rewarmDelay);
    this.rewarmTimer.unref();
    this.rewarmDelay = Math.min(this.rewarmDelay * 2, MAX_REWARM_DELAY_MS);
  }

  private track(client: pg.Client | pg.PoolClient): void {
    const pid = processIdOf(client);
    if (pid !== undefined && !this.pids.has(pid)) {
      this.pids.add(pid);
      this.sessionsChanged();
    }
  }

  private untrack(client: pg.Client | pg.PoolClient): void {
    const pid = processIdOf(client);
    if (pid !== undefined && this.pids.delete(pid)) this.sessionsChanged();
  }
}

export function openPostgresTarget(url: string, options: PostgresTargetOptions): PostgresTarget {
  return new PostgresTarget(url, options);
}
