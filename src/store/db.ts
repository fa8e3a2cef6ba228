// The store port: the bot's own Postgres, reached through `pg` or embedded PGlite behind one interface.

export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

export interface Db {
  readonly kind: 'postgres' | 'pglite';
  /** One statement with bound parameters ($1, $2 …). jsonb parameters: pass JSON text and cast `$1::jsonb`. */
  query<R extends object = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<QueryResult<R>>;
  /** Several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs `fn` in one transaction on one connection; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
