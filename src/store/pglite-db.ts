// The store embedded in the process (PGlite, Postgres compiled to WASM) under OATIE_DATA_DIR.
// One process only: PGlite holds the data directory exclusively.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, QueryResult } from './db.js';
import { PGLITE_CONF } from './pglite-data-dir.js';

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

function wrap(target: Queryable): Omit<Db, 'transaction' | 'close'> {
  return {
    kind: 'pglite',
    async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<R>> {
      const result = await target.query<R>(sql, params as unknown[]);
      return { rows: result.rows, rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql: string): Promise<void> {
      await target.exec(sql);
    },
  };
}

/** Opens (creating if needed) the embedded database; `dataDir` undefined keeps it in memory (tests). */
export async function openPgliteDb(dataDir: string | undefined): Promise<Db> {
  const pglite = await PGlite.create({ dataDir, postgresqlconf: PGLITE_CONF });
  return {
    ...wrap(pglite),
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      return pglite.transaction(async (t) => {
        const tx: Db = { ...wrap(t), transaction: (inner) => inner(tx), close: () => Promise.resolve() };
        return fn(tx);
      });
    },
    close: () => pglite.close(),
  };
}
