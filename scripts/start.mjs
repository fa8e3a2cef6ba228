// `npm start`: runs the compiled JavaScript (dist/main.js) in this process, building it first when
// src/ changed since the last build (a clean clone builds once) — in a child process, so what the
// build loads is not kept. `npm run dev` runs the TypeScript directly.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROOT, isBuildFresh } from './build.mjs';

const LOCK = join(ROOT, '.build-lock');
const LOCK_STALE_MS = 10 * 60_000;
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** True when the process that took the lock is gone (killed mid-build) or the lock is very old. */
function lockIsStale() {
  const since = statSync(LOCK, { throwIfNoEntry: false })?.mtimeMs;
  if (since === undefined) return false; // released meanwhile: just try again
  if (Date.now() - since > LOCK_STALE_MS) return true;
  let owner;
  try {
    owner = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
  } catch {
    // Taken a moment ago and its pid not written yet: give it a second before calling it stale.
    return Date.now() - since > 2000;
  }
  try {
    process.kill(owner, 0);
    return false;
  } catch (err) {
    return err.code === 'ESRCH';
  }
}

/** One build at a time: two `npm start` at once must not write dist/ together. */
function withBuildLock(fn) {
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      if (lockIsStale()) rmSync(LOCK, { recursive: true, force: true });
      else sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

if (!isBuildFresh()) {
  withBuildLock(() => {
    if (isBuildFresh()) return; // another start built it meanwhile
    // Said in a terminal only: piped output (scripts, tests) stays the bot's own.
    if (process.stderr.isTTY)
      process.stderr.write('oatie-ops: building dist/ (src/ changed since the last build)…\n');
    const build = fileURLToPath(new URL('build.mjs', import.meta.url));
    const built = spawnSync(process.execPath, [build], { stdio: ['ignore', 2, 'inherit'] });
    if (built.status !== 0) {
      process.stderr.write('oatie-ops: the build failed (see above)\n');
      process.exit(1);
    }
  });
}
await import('../dist/main.js');
