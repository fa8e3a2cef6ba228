// How long `npm start` takes to become ready on the embedded store (fresh and existing data directory).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBot } from '../test/support/run-bot.js';
import type { Figure } from './measure.js';

function readyMs(stderr: string): number {
  const line = stderr.split('\n').find((l) => l.includes('"msg":"ready"'));
  return line ? (JSON.parse(line) as { ms: number }).ms : NaN;
}

export async function run(): Promise<Figure[]> {
  const dir = await mkdtemp(join(tmpdir(), 'oatie-bench-'));
  try {
    const t0 = performance.now();
    const fresh = await runBot('', { OATIE_DATA_DIR: dir });
    const freshWall = performance.now() - t0;
    const t1 = performance.now();
    const again = await runBot('', { OATIE_DATA_DIR: dir });
    const againWall = performance.now() - t1;
    return [
      {
        name: 'start-up to ready, new data dir (in-process / whole process incl. exit)',
        value: `${readyMs(fresh.stderr)} ms / ${Math.round(freshWall)} ms`,
      },
      {
        name: 'start-up to ready, existing data dir',
        value: `${readyMs(again.stderr)} ms / ${Math.round(againWall)} ms`,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
