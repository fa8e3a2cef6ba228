// A new embedded data directory without keeping initdb's memory. PGlite's initdb touches ~700 MB that the
// process never gives back, while reopening an initialised directory costs ~150 MB. So a new directory
// is a copy of a template initialised and migrated at build time (`npm run build`), or, without one,
// initialised by a short-lived child process; this process then only ever reopens. The template holds
// the bot's database only: Postgres's template databases (template0, template1), there for CREATE
// DATABASE, which the embedded store never runs, are dropped, and a new directory is some 600 files
// fewer to write (about half). This module does not load PGlite, so the copy runs while it loads.
import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../core/root.js';
import { WASM_BASELINE_ONLY } from '../core/v8-tuning.js';
import type { Migration } from './migrations.js';

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

/** Built by `npm run build` beside the compiled JavaScript (dist/ is never committed). */
export const TEMPLATE_DIR = join(ROOT, 'dist', 'pgdata-template');
const INITDB_TIMEOUT_MS = 120_000;
const COPY_TIMEOUT_MS = 60_000;
/** Where a template copy is made inside the data directory before its files are moved into place. */
const STAGING = '.template-copy';

async function isInitialised(dir: string): Promise<boolean> {
  return stat(join(dir, 'PG_VERSION')).then(
    () => true,
    () => false,
  );
}

// The child imports PGlite by name from the package root and creates the directory, then exits.
const INITDB_SCRIPT = `
import { PGlite } from '@electric-sql/pglite';
const db = await PGlite.create({ dataDir: process.env.OATIE_INITDB_DIR, postgresqlconf: JSON.parse(process.env.OATIE_INITDB_CONF) });
await db.close();
`;

async function initdbInChild(dir: string): Promise<void> {
  // As in the bot: initdb's WebAssembly is not recompiled by V8's optimising tier meanwhile, which
  // cost about a second of the two cores.
  await promisify(execFile)(
    process.execPath,
    [WASM_BASELINE_ONLY, '--input-type=module', '-e', INITDB_SCRIPT],
    {
      cwd: ROOT,
      env: { ...process.env, OATIE_INITDB_DIR: dir, OATIE_INITDB_CONF: JSON.stringify(PGLITE_CONF) },
      timeout: INITDB_TIMEOUT_MS,
    },
  );
}

/** Makes `dir` an initialised PGlite data directory if it is not one yet; says how. */
export async function prepareDataDir(
  dir: string,
  template = TEMPLATE_DIR,
): Promise<'existing' | 'template' | 'initdb'> {
  if (await isInitialised(dir)) return 'existing';
  if (await isInitialised(template)) {
    await copyTemplate(template, dir);
    return 'template';
  }
  await initdbInChild(dir);
  return 'initdb';
}

/**
 * Copies the template's files into `dir` so that an interrupted copy (kill -9, a full disk) is never
 * taken for a data directory: the copy is made in a staging directory inside `dir`, then its entries
 * are moved into place with PG_VERSION, the mark of an initialised directory, last.
 */
async function copyTemplate(template: string, dir: string): Promise<void> {
  const staging = join(dir, STAGING);
  await rm(staging, { recursive: true, force: true }); // what an interrupted start left
  await mkdir(dir, { recursive: true });
  await copyTree(template, staging);
  const entries = (await readdir(staging)).sort(
    (a, b) => Number(a === 'PG_VERSION') - Number(b === 'PG_VERSION'),
  );
  for (const name of entries) await rename(join(staging, name), join(dir, name));
  await rm(staging, { recursive: true, force: true });
}

/** The system's cp: 3–5 times quicker than node's fs.cp for the template's thousand files; fs.cp without one. */
async function copyTree(from: string, to: string): Promise<void> {
  try {
    await promisify(execFile)('cp', ['-R', '-p', from, to], { timeout: COPY_TIMEOUT_MS });
  } catch (error) {
    const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
    if (code !== 'ENOENT') throw error;
    await cp(from, to, { recursive: true });
  }
}

/** `npm run build` (and the tests' set-up): an initialised data directory with `migrations` applied, to copy (see prepareDataDir). */
export async function buildTemplate(
  migrations: readonly Migration[],
  template = TEMPLATE_DIR,
): Promise<void> {
  const building = `${template}.building`;
  await rm(building, { recursive: true, force: true });
  await initdbInChild(building);
  const [{ openPgliteDb }, { migrate }] = await Promise.all([
    import('./pglite-db.js'),
    import('./migrations.js'),
  ]);
  const db = await openPgliteDb(building);
  try {
    await migrate(db, migrations);
    for (const name of ['template0', 'template1']) {
      await db.exec(`ALTER DATABASE ${name} IS_TEMPLATE false`);
      await db.exec(`DROP DATABASE ${name}`);
    }
  } finally {
    await db.close();
  }
  await rm(template, { recursive: true, force: true });
  await rename(building, template);
}
