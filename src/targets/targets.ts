// The systems the bot diagnoses and fixes, each behind its own port; absent when not configured.
// Adapters (pg, ioredis, @kubernetes/client-node, fetch) live beside this file; the core sees ports.
import type { KubeTarget } from './kube-port.js';
import type { LogSearchTarget } from './log-search-port.js';
import type { OatieApiTarget, OracleBiTarget } from './oatie-api-port.js';
import type { StatusPageTarget } from './statuspage-port.js';
import type { PagerTarget, ScheduleTarget } from './pager-port.js';
import type { NameResolver } from './name-resolver-port.js';

export type * from './kube-port.js';
export type * from './log-search-port.js';
export type * from './oatie-api-port.js';
export type * from './statuspage-port.js';
export type * from './pager-port.js';
export type * from './name-resolver-port.js';

/** What runs one statement with bound values: the target's pool or one session of its own. */
export interface Queryable {
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
}

/** One connection of its own: statements run one after another on the same server session, each
 * committing by itself unless the work opens a transaction (BEGIN … COMMIT). */
export interface SqlSession extends Queryable {
  /** The server process of this session (pg_stat_activity.pid). */
  readonly pid: number;
}

/** The platform's Postgres (OATIE_DATABASE_URL). */
export interface SqlTarget {
  /** Where it points, for messages: host, port and database, never the password. */
  readonly description: string;
  /** One statement on the small dedicated pool (one connection kept warm), under statement_timeout
   * and lock_timeout. Values are bound parameters; identifiers are resolved and quoted by the database. */
  query<R extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** A statement that cannot run in a transaction block or takes long (VACUUM, CREATE INDEX
   * CONCURRENTLY, REINDEX CONCURRENTLY), on its own connection, with the given timeout. */
  maintenance(sql: string, options: { timeoutMs: number }): Promise<{ rowCount: number }>;
  /** `work` on a connection of its own, each statement under the given timeout: a check and the
   * statement it guards on the same session, or in one transaction; closed when `work` settles. */
  session<T>(work: (session: SqlSession) => Promise<T>, options: { timeoutMs: number }): Promise<T>;
  /** One statement built from text the bot did not write (a query text from the catalog, for EXPLAIN),
   * in a READ ONLY transaction that is always rolled back, under the pool's statement_timeout. Sent
   * through the extended protocol, where the server refuses a second statement; `simple` only for
   * text whose `$n` placeholders have no values (EXPLAIN (GENERIC_PLAN)). A statement the server
   * rejects is a value (its SQLSTATE and message), not a thrown error. */
  readOnly<R extends object = Record<string, unknown>>(
    sql: string,
    options?: { protocol?: 'extended' | 'simple' },
  ): Promise<ReadOnlyResult<R>>;
  /** Backend pids of the bot's own connections, which fixes never terminate. Inside the app, this
   * includes the connections other replicas recorded in the store (src/remediations/bot-sessions.ts). */
  ownPids(): Promise<number[]>;
  /** Calls `listener` with this process's pids whenever a connection opens or closes. */
  onSessionsChanged?(listener: (pids: readonly number[]) => void): void;
}

export type ReadOnlyResult<R> = { ok: true; rows: R[] } | { ok: false; sqlstate: string; message: string };

/** The platform's Redis, which holds the permission cache (OATIE_REDIS_URL). */
export interface CacheTarget {
  readonly description: string;
  /** Prepended to every key this target reads or deletes (OATIE_REDIS_PREFIX): shown with the keys. */
  readonly keyPrefix: string;
  /** Round-trip time of PING, in milliseconds. */
  ping(): Promise<number>;
  get(key: string): Promise<string | null>;
  /** Seconds to live; -1 without expiry, -2 when the key does not exist. */
  ttl(key: string): Promise<number>;
  /** Deletes keys; returns how many existed. */
  del(...keys: string[]): Promise<number>;
}

export interface Targets {
  postgres?: SqlTarget;
  redis?: CacheTarget;
  /** The cluster (KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true). */
  kube?: KubeTarget;
  /** The Oatie API (OATIE_API_URL, OATIE_API_TOKEN). */
  oatieApi?: OatieApiTarget;
  /** Oracle BI Publisher, reached directly (ORACLE_BI_URL). */
  oracleBi?: OracleBiTarget;
  /** Centralized logs (OATIE_ELASTICSEARCH_URL). */
  logSearch?: LogSearchTarget;
  /** The public status page (STATUSPAGE_API_KEY, STATUSPAGE_PAGE_ID); incidents post public updates there. */
  statusPage?: StatusPageTarget;
  /** The pager (PAGERDUTY_ROUTING_KEY): P0/P1 incidents page on-call. */
  pager?: PagerTarget;
  /** The bot's own resolver (OATIE_DNS_SERVERS, else the system's): always there. */
  dns?: NameResolver;
  /** PagerDuty's schedules (PAGERDUTY_API_TOKEN): roles of the policy backed by a schedule. */
  schedules?: ScheduleTarget;
  /** Closes every client (shutdown). */
  close(): Promise<void>;
}
