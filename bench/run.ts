// `npm run bench`: builds dist/ when stale, runs every benchmark, prints ONE table and writes
// bench/results.json (copy the table into the README's "Performance"). `npm run bench <id>` runs one.
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Figure } from './measure.js';
import { printTable, writeResults, type Result } from './results.js';

type Bench = () => Promise<Result[]>;

/** Older benchmarks print figures without goals; they become rows too. */
const figures =
  (id: string, load: () => Promise<{ run(): Promise<Figure[]> }>): Bench =>
  async () =>
    (await (await load()).run()).map((f, i) => ({ id: `${id}.${i}`, figure: f.name, value: f.value }));

/** A benchmark another issue adds (triage, Teams): included when its file is on main. */
const optional = (id: string, file: string): Bench => {
  const path = fileURLToPath(new URL(file, import.meta.url));
  return async () => {
    if (!existsSync(path)) return [{ id, figure: `${id} (not on main yet)`, value: '—' }];
    const module = (await import(path)) as { run(): Promise<Array<Figure | Result>> };
    return (await module.run()).map((f, i) =>
      'figure' in f ? f : { id: `${id}.${i}`, figure: f.name, value: f.value },
    );
  };
};

const benches: Array<[string, Bench]> = [
  ['footprint', async () => (await import('./footprint.bench.js')).run()],
  ['ack', async () => (await import('./ack.bench.js')).run()],
  ['war-room', async () => (await import('./war-room.bench.js')).run()],
  ['timers', async () => (await import('./timers.bench.js')).run()],
  ['triage', optional('triage', './triage.bench.ts')],
  ['teams', optional('teams', './teams.bench.ts')],
  ['parser', figures('parser', () => import('./parser.bench.js'))],
  ['router', figures('router', () => import('./router.bench.js'))],
  ['diagnostics', figures('diagnostics', () => import('./diagnostics.bench.js'))],
  ['slack-flood', figures('slack-flood', () => import('./slack-flood.bench.js'))],
];

// The bot is measured as it runs in production: compiled. Build it first when src/ changed.
const built = spawnSync(
  process.execPath,
  ['-e', "import('./scripts/build.mjs').then(async (b) => { if (!b.isBuildFresh()) await b.build(); })"],
  {
    stdio: 'inherit',
  },
);
if (built.status !== 0) throw new Error('the build failed');

const only = process.argv[2];
const header = {
  node: process.version,
  at: new Date().toISOString(),
  loadAverageAtStart: loadavg().map((l) => Number(l.toFixed(1))),
};
const results: Result[] = [];
for (const [name, bench] of benches) {
  if (only && only !== name) continue;
  process.stderr.write(`bench: ${name}…\n`);
  results.push(...(await bench()));
}
const footer = { loadAverageAtEnd: loadavg().map((l) => Number(l.toFixed(1))) };
console.log(
  `oatie-ops benchmarks — node ${header.node}, ${header.at}, load average ${header.loadAverageAtStart.join(' ')} → ${footer.loadAverageAtEnd.join(' ')} (2 cores)\n`,
);
console.log(printTable(results));
if (!only)
  await writeResults(
    fileURLToPath(new URL('results.json', import.meta.url)),
    { ...header, ...footer },
    results,
  );
