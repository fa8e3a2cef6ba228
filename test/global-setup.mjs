// Once per jest run, before the workers start, in a folder of the run's own (removed by
// global-teardown.mjs), side by side:
// - the bot bundled as `npm run build` bundles it, so that the tests that start the bot as a process
//   run what `npm start` runs, without compiling some 700 TypeScript files at each start (about
//   1.5 s and 2 s of CPU each time; test/support/run-bot.ts);
// - the migrated PGlite data directory that every embedded test store copies
//   (test/support/pglite-template.ts).
// When `npm run build` made both from the current sources (CI builds before it tests), they are copied
// from dist/ instead (a copy: a build during the run must not change what the tests run): about 8 s
// of initdb and bundling saved.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { bundleEntries, isBuildFresh, isBundleFile, ROOT } from '../scripts/build.mjs';

const TEMPLATE_TIMEOUT_MS = 180_000;

export default async function globalSetup() {
  // Inside the project, so that the bundle finds package.json and node_modules as dist/ does.
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const root = mkdtempSync(join(cache, 'oatie-test-run-'));
  const bot = join(root, 'bot');
  const pgdata = join(root, 'pgdata');
  mkdirSync(bot);
  const built = join(ROOT, 'dist');
  if (isBuildFresh() && existsSync(join(built, 'pgdata-template', 'PG_VERSION'))) {
    for (const name of readdirSync(built).filter(isBundleFile)) cpSync(join(built, name), join(bot, name));
    cpSync(join(built, 'pgdata-template'), pgdata, { recursive: true });
  } else {
    await Promise.all([
      bundleEntries(bot),
      promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'test/support/build-pglite-template.ts', pgdata],
        { cwd: ROOT, timeout: TEMPLATE_TIMEOUT_MS },
      ),
    ]);
  }
  // The workers start after this and inherit the environment.
  process.env.OATIE_TEST_RUN_DIR = root;
  process.env.OATIE_TEST_BOT = join(bot, 'main.js');
  process.env.OATIE_TEST_PGLITE_TEMPLATE = pgdata;
}
