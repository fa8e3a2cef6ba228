// A fresh, migrated store for one test file: a database of its own on the local Postgres (quicker to
// create than PGlite, and what replicas share), or PGlite in memory (the console's default store).
import type { Db } from '../../src/store/db.js';
import { createTestDatabase } from './databases.js';
import { openTestDb } from './test-app.js';

export interface FreshStore {
  db: Db;
  /** Closes the store and drops its database. */
  close(): Promise<void>;
}

/** A new Postgres database named after `database`, or PGlite in memory without a name. */
export async function openFreshStore(database?: string): Promise<FreshStore> {
  const created = database === undefined ? undefined : await createTestDatabase(database);
  const db = await openTestDb(created?.url);
  return {
    db,
    async close() {
      await db.close();
      await created?.drop();
    },
  };
}
