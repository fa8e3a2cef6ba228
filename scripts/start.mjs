// `npm start`: runs the compiled JavaScript (dist/main.js) in this process, building it first when
// src/ changed since the last build (a clean clone builds once) — in a child process, so what the
// build loads is not kept. `npm run dev` runs the TypeScript directly.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isBuildFresh } from './build.mjs';

if (!isBuildFresh()) {
  process.stderr.write('oatie-ops: building dist/ (src/ changed since the last build)…\n');
  const build = fileURLToPath(new URL('build.mjs', import.meta.url));
  const built = spawnSync(process.execPath, [build], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (built.status !== 0) {
    process.stderr.write('oatie-ops: the build failed (see above)\n');
    process.exit(1);
  }
}
await import('../dist/main.js');
