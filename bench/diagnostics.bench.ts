// Diagnostics against the real local Postgres holding the demo data: how long each answer takes.
import { sampleDataSql } from '../src/demo/sample-data.js';
import { dropStore, startDiagnostics } from '../test/support/diagnostics-harness.js';
import { createOatieDatabase } from '../test/support/oatie-database.js';
import { fmt, percentile, timeEach, type Figure } from './measure.js';

const commands = [
  'db connections',
  'db long-running',
  'db indexes',
  'db bloat',
  'reports stuck',
  'auth user maria.garcia@northwind.example reports:create',
];

export async function run(): Promise<Figure[]> {
  const database = await createOatieDatabase('bench');
  await database.sql(sampleDataSql);
  const harness = await startDiagnostics({ OATIE_DATABASE_URL: database.url });
  const figures: Figure[] = [];
  try {
    for (const command of commands) {
      await harness.run(command); // warm
      const { sorted } = await timeEach(50, () => harness.run(command));
      figures.push({
        name: `\`${command.split(' ').slice(0, 2).join(' ')}\` on the demo data, p50 / p99`,
        value: `${fmt(percentile(sorted, 50))} / ${fmt(percentile(sorted, 99))}`,
      });
    }
  } finally {
    await harness.close();
    await dropStore();
    await database.drop();
  }
  return figures;
}
