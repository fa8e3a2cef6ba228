// `npm run build`: compiles src/ to dist/ and prepares the embedded store's template data directory
// (see src/store/pglite-data-dir.ts); then stamps dist/ so `npm start` knows it is up to date.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', '.build-stamp');
const INPUTS = [
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'scripts/build.mjs',
];

function newestMtime(path) {
  const info = statSync(path, { throwIfNoEntry: false });
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** True when dist/ was built after the last change to src/, the build's settings or this script. */
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
  await bundleEntries();
  const { buildTemplate } = await import('../dist/store/pglite-data-dir.js');
  // The migration list lives at the composition root (domains hand theirs in there).
  const { migrations } = await import('../dist/app.js');
  await buildTemplate(migrations);
  warmCodeCaches();
  writeFileSync(STAMP, started.toISOString());
  utimesSync(STAMP, started, started);
}

/**
 * Parts of libraries the bot never uses, left out of the bundle: every start would parse them.
 * - zod's error messages in some 45 languages (`z.locales`), half of zod's code: English stays (zod
 *   imports it directly for its default messages; `z.locales.en` still works);
 * - the source-map library, which Handlebars' code generator loads when it can, for source maps we
 *   never ask for: without it, Handlebars uses a small builder of its own.
 */
const leaveOut = {
  name: 'leave-out',
  setup(build) {
    const from = (library) => (args) => args.importer.split(/[\\/]/).includes(library);
    const stub = (path) => ({ path, namespace: 'leave-out' });
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      from('zod')(args) ? stub('zod-locales') : undefined,
    );
    build.onResolve({ filter: /^source-map$/ }, (args) =>
      from('handlebars')(args) ? stub('source-map') : undefined,
    );
    build.onLoad({ filter: /^zod-locales$/, namespace: 'leave-out' }, () => ({
      contents: "export { default as en } from 'zod/v4/locales/en.js';",
      resolveDir: ROOT,
    }));
    build.onLoad({ filter: /^source-map$/, namespace: 'leave-out' }, () => ({
      contents: 'module.exports = {};',
    }));
  },
};

const BOT = 'bot.cjs';
/** Node's flag in `npm start` (package.json) and in the image (Dockerfile): part of a code cache's key. */
const START_FLAG = '--max-semi-space-size=1';
const isChunk = (name) => /^chunk-.*\.js$/.test(name);
const isCodeCache = (name) => name.startsWith(`${BOT}.`) && name.endsWith('.cache');

/** The files of the bundle in `dist/` (not tsc's file-by-file output beside them). */
export const isBundleFile = (name) => ['main.js', BOT, 'front-door-worker.js'].includes(name);

/** Libraries loaded only in some configurations stay outside, loaded from node_modules when used. */
const EXTERNAL = [
  '@electric-sql/pglite',
  '@kubernetes/client-node',
  '@elastic/elasticsearch',
  'botbuilder',
  'pg-native',
];

/**
 * What `node dist/main.js` runs, in `outdir`:
 * - `bot.cjs`: the bot (src/start-bot.ts and everything it loads) in one CommonJS file, which
 *   dist/main.js compiles with V8's code cache (src/core/code-cache.ts): a start after the first
 *   reads the compiled functions instead of parsing and compiling them. CommonJS because Node 20 can
 *   cache the code of a script it is handed, not of an ES module. Every module shares the bundle's
 *   location as its import.meta.url (src/core/root.ts finds the project from there);
 * - `main.js`: src/main.ts, which tunes V8, then runs bot.cjs (named with a hash of its text, so
 *   that a cache is never taken for another build's bundle);
 * - `front-door-worker.js`: the front door's thread (src/http/front-door.ts), an ES module of its own.
 * One file instead of some 700 modules: the bot is ready about 0.3 s sooner and about 5 MiB smaller.
 * Whitespace and syntax are minified, names are kept, so stack traces still name functions. PGlite
 * finds its WebAssembly beside its own files. The tests bundle the same way into a folder of their
 * own (test/global-setup.mjs): `outdir` must lie inside the project.
 */
export async function bundleEntries(outdir = join(ROOT, 'dist')) {
  const { build: bundle } = await import('esbuild');
  for (const name of readdirSync(outdir)) if (isChunk(name) || isCodeCache(name)) rmSync(join(outdir, name));
  const common = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    external: EXTERNAL,
    plugins: [leaveOut],
    logLevel: 'warning',
  };
  await bundle({
    ...common,
    entryPoints: ['src/start-bot.ts'],
    outfile: join(outdir, BOT),
    format: 'cjs',
    define: { 'import.meta.url': '__oatieModuleUrl' },
    banner: { js: "const __oatieModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
  });
  await bundle({
    ...common,
    entryPoints: { 'front-door-worker': 'src/http/front-door-worker.ts' },
    outdir,
    format: 'esm',
    // Bundled CommonJS libraries call require() for Node's own modules.
    banner: {
      js: "import { createRequire as __oatieRequire } from 'node:module'; const require = __oatieRequire(import.meta.url);",
    },
  });
  const id = createHash('sha256')
    .update(readFileSync(join(outdir, BOT)))
    .digest('hex');
  await bundle({
    ...common,
    entryPoints: { main: 'src/main.ts' },
    outdir,
    format: 'esm',
    define: { OATIE_BOT_BUNDLE: JSON.stringify({ file: `./${BOT}`, id }) },
    // The composition root is in bot.cjs; main.js imports it only when run from the sources.
    plugins: [
      leaveOut,
      {
        name: 'bot-outside',
        setup: (b) =>
          b.onResolve({ filter: /^\.\/start-bot\.js$/ }, () => ({ path: './start-bot.js', external: true })),
      },
    ],
  });
}

/**
 * Starts the built bot in the terminal with nothing typed and a new data directory, as `npm start`
 * does and as `node dist/main.js` does (Node's flags are part of a code cache's key), so that their
 * code caches are in dist/ from the start, and in an image, whose dist/ the bot cannot write.
 */
function warmCodeCaches() {
  const dir = mkdtempSync(join(tmpdir(), 'oatie-build-'));
  try {
    for (const flags of [[START_FLAG], []]) {
      const run = spawnSync(process.execPath, [...flags, join(ROOT, 'dist', 'main.js')], {
        cwd: dir,
        env: {
          PATH: process.env.PATH ?? '',
          HOME: dir,
          OATIE_DATA_DIR: join(dir, 'data'),
          LOG_LEVEL: 'warn',
        },
        input: '',
        stdio: ['pipe', 'ignore', 'inherit'],
        timeout: 60_000,
      });
      if (run.status !== 0) throw new Error(`the built bot did not start (exit ${run.status ?? run.signal})`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
