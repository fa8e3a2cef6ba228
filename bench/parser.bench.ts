// How fast the grammar reads commands, hostile ones included.
import { parseCommand } from '../src/commands/parse.js';
import { fmt, percentile, rate, timeEach, type Figure } from './measure.js';

const inputs = [
  'incident p1 Report generation down',
  'db long-running --older-than 10m',
  'k8s logs report-service --since 1h --grep "connection refused"',
  'db create-index reports organization_id,status',
  "db vacuum reports'; DROP TABLE users; --",
  'dbb conections',
  `incident p1 ${'🔥'.repeat(2000)}`,
];

export async function run(): Promise<Figure[]> {
  const n = 200_000;
  const { sorted, totalMs } = await timeEach(n, (i) => parseCommand(inputs[i % inputs.length] ?? ''));
  return [
    { name: 'parser throughput (mixed commands, one core)', value: rate(n, totalMs) },
    { name: 'parser p50 / p99', value: `${fmt(percentile(sorted, 50))} / ${fmt(percentile(sorted, 99))}` },
  ];
}
