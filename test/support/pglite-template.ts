// Embedded stores for the tests. PGlite's initdb costs about 4 s of a core, so a test run initialises and
// migrates one data directory once (test/global-setup.mjs runs build-pglite-template.ts) and each store
// is a copy of it, opened in about half a second. Without that directory (a test file run some other
// way) a store is initialised in memory, as before.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '../../src/app.js';
import type { Db } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrations.js';
import { prepareDataDir } from '../../src/store/pglite-data-dir.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';

/** The test run's migrated data directory, set by test/global-setup.mjs. */
export const PGLITE_TEMPLATE_ENV = 'OATIE_TEST_PGLITE_TEMPLATE';

/** A migrated PGlite store of its own; closing it removes its copy. */
export async function openTestPglite(): Promise<Db> {
  const template = process.env[PGLITE_TEMPLATE_ENV];
  if (template === undefined) {
    const db = await openPgliteDb(undefined);
    await migrate(db, migrations);
    return db;
  }
  const dir = await mkdtemp(join(tmpdir(), 'oatie-test-pglite-'));
  try {
    await prepareDataDir(dir, template);
    const db = await openPgliteDb(dir);
    await migrate(db, migrations);
    return {
      ...db,
      async close() {
        await db.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}
