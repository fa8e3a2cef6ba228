// The store embedded in the process (PGlite, Postgres compiled to WASM) under OATIE_DATA_DIR.
// One process only: PGlite holds the data directory exclusively.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import type { Db, QueryResult } from './db.js';

type Queryable = Pick<PGlite, 'query' | 'exec'> | Transaction;

/**
 * Settings for a bot's small store. PGlite's default shared_buffers (128 MB) is a server's: a bot's
 * few thousand rows fit in a few MB, and every buffer touched stays in the process's memory.
 */
export const PGLITE_CONF = [
  'shared_buffers=4MB',
  'work_mem=2MB',
  'maintenance_work_mem=8MB',
  'temp_buffers=1MB',
];

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
