// `npm run build`: compiles src/ to dist/ and prepares the embedded store's template data directory
// (see src/store/pglite-data-dir.ts); then stamps dist/ so `npm start` knows it is up to date.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const INPUTS = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];

function newestMtime(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** True when dist/ was built after the last change to src/ or the build's settings. */
export function isBuildFresh() {
  const stamp = statSync(STAMP, { throwIfNoEntry: false });
  if (!stamp) return false;
  const newest = Math.max(newestMtime(join(ROOT, 'src')), ...INPUTS.map((f) => newestMtime(join(ROOT, f))));
  return newest <= stamp.mtimeMs;
}

export async function build() {
  // Stamped with the start time, so a file saved while this runs still counts as newer.
  const started = new Date();
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const compiled = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
    stdio: 'inherit',
  });
  if (compiled.status !== 0) throw new Error(`tsc failed (exit ${compiled.status ?? compiled.signal})`);
  const { buildTemplate } = await import('../dist/store/pglite-data-dir.js');
  const { openPgliteDb } = await import('../dist/store/pglite-db.js');
  const { migrate } = await import('../dist/store/migrations.js');
  // The migration list lives at the composition root (domains hand theirs in there).
  const { migrations } = await import('../dist/app.js');
  await buildTemplate(async (dir) => {
    const db = await openPgliteDb(dir);
    try {
      await migrate(db, migrations);
    } finally {
      await db.close();
    }
  });
  writeFileSync(STAMP, started.toISOString());
  utimesSync(STAMP, started, started);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
