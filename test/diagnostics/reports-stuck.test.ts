// `reports stuck`: which reports have been processing longer than the policy allows, by organisation.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  withDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { createOatieDatabase, type OatieDatabase } from '../support/oatie-database.js';
import { addOrganization, addProcessingReport, addReport } from '../support/oatie-fixtures.js';
import { policyWith } from '../support/test-app.js';

let db: OatieDatabase;
let bot: DiagnosticsHarness;

beforeAll(async () => {
  db = await createOatieDatabase('reportsstuck');
  bot = await startDiagnostics({ OATIE_DATABASE_URL: db.url });
});

afterAll(() => closeDiagnostics(bot, db));

describe('reports stuck', () => {
  test('no report processing: says so', async () => {
    const answer = await bot.run('reports stuck');
    expect(answer.text).toContain('✅ No report has been processing for more than 30 minutes.');
  });

  test('stuck reports, grouped by organisation, oldest first', async () => {
    const northwind = await addOrganization(db, 'Northwind Traders');
    const acme = await addOrganization(db, 'Acme Analytics');
    const oldest = await addProcessingReport(db, northwind, 'Q3 board pack', 192);
    await addProcessingReport(db, northwind, 'Sales by region', 125);
    // Its worker lost the execution: it counts from the report's last change.
    await addReport(db, acme, { name: 'Churn cohorts', status: 'processing', minutesAgo: 47 });
    await addProcessingReport(db, acme, 'Stock levels', 4);
    await addReport(db, acme, { name: 'Done', status: 'completed', minutesAgo: 300 });

    const answer = await bot.run('reports stuck');
    expect(answer.text).toContain(
      '🔴 3 reports have been processing for more than 30 minutes, in 2 organisations; the oldest for 3 hours 12 minutes. 1 other report is processing for less than that.',
    );
    expect(answer.text).toMatch(/Northwind Traders\s+2\s+3h12m/);
    expect(answer.text).toMatch(/Acme Analytics\s+1\s+47m/);
    expect(answer.text).toMatch(new RegExp(`${oldest}\\s+Q3 board pack\\s+Northwind Traders\\s+3h12m`));
    expect(answer.text).not.toContain('Stock levels');
  });

  test('the threshold is the policy’s reports.stuckAfter', async () => {
    const policy = await policyWith((yaml) => yaml.replace('stuckAfter: 30m', 'stuckAfter: 3h'));
    await withDiagnostics(
      { OATIE_DATABASE_URL: db.url },
      async (patient) => {
        const answer = await patient.run('reports stuck');
        expect(answer.text).toContain('1 report has been processing for more than 3 hours');
      },
      { policy },
    );
  });
});
