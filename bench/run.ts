// `npm run bench`: runs every benchmark and prints its figures (copy them into the README).
import type { Figure } from './measure.js';
import * as diagnostics from './diagnostics.bench.js';
import * as parser from './parser.bench.js';
import * as router from './router.bench.js';
import * as scheduler from './scheduler.bench.js';
import * as slack from './slack.bench.js';
import * as slackFlood from './slack-flood.bench.js';
import * as startup from './startup.bench.js';
import * as teams from './teams.bench.js';
import * as triage from './triage.bench.js';

const benches: Array<[string, { run(): Promise<Figure[]> }]> = [
  ['parser', parser],
  ['router', router],
  ['scheduler', scheduler],
  ['diagnostics', diagnostics],
  ['slack', slack],
  ['slack-flood', slackFlood],
  ['teams', teams],
  ['startup', startup],
  ['triage', triage],
];

const only = process.argv[2];
console.log(`oatie-ops benchmarks — node ${process.version}, ${new Date().toISOString()}`);
for (const [name, bench] of benches) {
  if (only && only !== name) continue;
  const figures = await bench.run();
  for (const f of figures) console.log(`| ${f.name} | ${f.value} |`);
}
