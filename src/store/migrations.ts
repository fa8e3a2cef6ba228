// Schema migrations of the bot's store, applied in order at start-up. Safe to run twice and from
// two processes at once: the whole run holds a transaction-scoped advisory lock.
// The list itself is the composition root's (src/app.ts): domains hand it their migrations.
import type { Db } from './db.js';

export interface Migration {
  /** Unique, never renamed: it is what the store records as applied. */
  name: string;
  sql: string;
}

// An arbitrary constant that names "oatie-ops migrations" among advisory locks.
const MIGRATION_LOCK = 7_245_001;

/** Applies the migrations not yet applied; returns the names applied by this call. */
export async function migrate(db: Db, list: readonly Migration[]): Promise<string[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    const done = await tx.query<{ name: string }>('SELECT name FROM schema_migrations');
    const applied = new Set(done.rows.map((r) => r.name));
    const names: string[] = [];
    for (const migration of list) {
      if (applied.has(migration.name)) continue;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [migration.name]);
      names.push(migration.name);
    }
    return names;
  });
}
