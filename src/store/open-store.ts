// Opens the bot's store: Postgres at DATABASE_URL when set, else PGlite under OATIE_DATA_DIR; migrates it.
// Each driver is imported only when used: PGlite's WASM or `pg` would otherwise load for nothing.
import { mkdir } from 'node:fs/promises';
import { maskSecrets } from '../core/secrets.js';
import { lockDataDir } from './data-dir-lock.js';
import type { Db } from './db.js';
import { migrate, type Migration } from './migrations.js';

export interface StoreSettings {
  databaseUrl: string | undefined;
  dataDir: string;
}

/** Where the store lives, for messages (the URL without its password, in either place). */
export function describeStore(settings: StoreSettings): string {
  if (settings.databaseUrl === undefined) return `embedded PGlite at ${settings.dataDir}`;
  const url = new URL(settings.databaseUrl);
  if (url.password) url.password = '***';
  // libpq also takes the password as a parameter (?password=…).
  return maskSecrets(url.toString());
}

/**
 * Opens the store and applies `migrations` (the composition root's list). The list may still be on its
 * way: start-up opens the store while the rest of the bot's modules, the list's among them, load.
 */
export async function openStore(
  settings: StoreSettings,
  migrations: readonly Migration[] | Promise<readonly Migration[]>,
): Promise<Db> {
  let db: Db;
  if (settings.databaseUrl !== undefined) {
    const { openPgDb } = await import('./pg-db.js');
    db = openPgDb(settings.databaseUrl);
  } else {
    await mkdir(settings.dataDir, { recursive: true });
    const release = await lockDataDir(settings.dataDir);
    try {
      // A new directory is copied while PGlite loads.
      const { prepareDataDir } = await import('./pglite-data-dir.js');
      const [{ openPgliteDb }] = await Promise.all([
        import('./pglite-db.js'),
        prepareDataDir(settings.dataDir),
      ]);
      const embedded = await openPgliteDb(settings.dataDir);
      db = { ...embedded, close: () => embedded.close().finally(release) };
    } catch (error) {
      await release();
      throw error;
    }
  }
  try {
    await migrate(db, await migrations);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}
