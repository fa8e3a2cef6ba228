// The store on a Postgres server (DATABASE_URL), through a `pg` pool.
import pg from 'pg';
import type { Db, QueryResult } from './db.js';

type Queryable = Pick<pg.PoolClient, 'query'>;

function wrap(client: Queryable): Omit<Db, 'transaction' | 'close'> {
  return {
    kind: 'postgres',
    async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await client.query<R>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async exec(sql: string): Promise<void> {
      await client.query(sql);
    },
  };
}

export function openPgDb(
  connectionString: string,
  options: { max?: number; statementTimeoutMs?: number } = {},
): Db {
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString,
    // Room for the scheduler's parallel timers (4), the outbox and the commands in hand at once.
    max: options.max ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    // Every wait on the store is bounded: the server cancels a statement after 30 s, and the client
    // gives up on an answer that never comes (a dead network) a little later.
    statement_timeout: statementTimeout,
    query_timeout: statementTimeout + 5000,
    application_name: 'oatie-ops-store',
  });
  // An idle client that errors (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const base = wrap(pool);
  return {
    ...base,
    async transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // A connection that dies mid-transaction makes pg emit 'error' on the checked-out client, which
      // ends the process when nobody listens; the statement rejects anyway, and the client is discarded.
      let broken: Error | undefined;
      const onError = (error: Error): void => {
        broken = error;
      };
      client.on('error', onError);
      const tx: Db = {
        ...wrap(client),
        transaction: (inner) => inner(tx),
        close: () => Promise.resolve(),
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}
