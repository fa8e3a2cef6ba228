// `reports status <id>`: a customer's board pack has been "processing" for hours; the engineer sees
// its executions, how long the current one has run, the last error and where to look next.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { createOatieDatabase, type OatieDatabase } from '../support/oatie-database.js';
import { FakeOatieApi } from '../support/fake-oatie-api.js';
import { addOrganization, addProcessingReport, addReport } from '../support/oatie-fixtures.js';

let db: OatieDatabase;
let bot: DiagnosticsHarness;
let stuck: string;
let running: string;
let outOfMemory: string;

beforeAll(async () => {
  db = await createOatieDatabase('reportsstatus');
  const northwind = await addOrganization(db, 'Northwind Traders');
  stuck = await addReport(db, northwind, {
    name: 'Q3 board pack',
    status: 'processing',
    minutesAgo: 192,
    executions: [
      {
        status: 'failed',
        startedMinutesAgo: 300,
        tookSeconds: 30,
        error: 'Oracle BI Publisher request timed out after 30000 ms',
      },
      {
        status: 'failed',
        startedMinutesAgo: 240,
        tookSeconds: 31,
        error: 'ORA-12541: TNS:no listener (oracle-bi.oatie.internal:9502)',
      },
      { status: 'processing', startedMinutesAgo: 192 },
    ],
  });
  running = await addProcessingReport(db, northwind, 'Sales by region', 4);
  outOfMemory = await addReport(db, northwind, {
    name: 'Consolidated ledger',
    status: 'failed',
    minutesAgo: 25,
    executions: [
      {
        status: 'failed',
        startedMinutesAgo: 25,
        tookSeconds: 240,
        error: 'java.lang.OutOfMemoryError: Java heap space',
      },
    ],
  });
  bot = await startDiagnostics({ OATIE_DATABASE_URL: db.url });
});

afterAll(() => closeDiagnostics(bot, db));

describe('reports status', () => {
  test('a report stuck in processing: for how long, its executions, the last error and the next step', async () => {
    const answer = await bot.run(`reports status ${stuck.toUpperCase()}`);
    expect(answer.text).toContain(
      '🔴 Report “Q3 board pack” (Northwind Traders): It is stuck: processing for 3 hours 12 minutes, longer than the 30 minutes after which a report counts as stuck.',
    );
    expect(answer.text).toContain('Executions: 3 (2 failed)');
    expect(answer.text).toMatch(/processing\s+3h12m so far/);
    expect(answer.text).toMatch(/failed\s+31s\s+ORA-12541: TNS:no listener/);
    expect(answer.text).toContain('Last error (4 hours ago):');
    expect(answer.text).toContain('    ORA-12541: TNS:no listener (oracle-bi.oatie.internal:9502)');
    expect(answer.text).toContain(
      'This looks like Oracle BI Publisher connectivity: try `health oracle-bi`.',
    );
  });

  test('a report processing for a few minutes is fine', async () => {
    const answer = await bot.run(`reports status ${running}`);
    expect(answer.text).toMatch(
      /✅ Report “Sales by region” \(Northwind Traders\): It is processing, for 4 minutes( \d+ seconds?)? so far\./,
    );
    expect(answer.text).not.toContain('Last error');
  });

  test('a failed report points at memory', async () => {
    const answer = await bot.run(`reports status ${outOfMemory}`);
    expect(answer.text).toContain('Its last generation failed.');
    expect(answer.text).toContain('java.lang.OutOfMemoryError: Java heap space');
    expect(answer.text).toContain('try `k8s pods --app report-service`');
  });

  test('an unknown report id', async () => {
    const answer = await bot.run('reports status 0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a10');
    expect(answer.to).toEqual(['caller']);
    expect(answer.text).toContain(
      'There is no report 0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a10 in the Oatie database at 127.0.0.1:5432/',
    );
  });

  test('without the database, the executions come from the Oatie API', async () => {
    const api = await FakeOatieApi.start();
    const reportId = '3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c01';
    const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();
    api.executions[reportId] = [
      {
        id: 'e1',
        status: 'failed',
        started_at: minutesAgo(300),
        completed_at: minutesAgo(299),
        error_message: 'ORA-12541: TNS:no listener',
      },
      { id: 'e2', status: 'processing', started_at: minutesAgo(95) },
    ];
    const viaApi = await startDiagnostics(api.env());
    try {
      const answer = await viaApi.run(`reports status ${reportId}`);
      expect(answer.text).toContain(`🔴 Report ${reportId}: It is stuck: processing for 1 hour 35 minutes`);
      expect(answer.text).toContain(`Source: Oatie API at ${api.url.replace('http://', '')}`);
      expect(answer.text).toMatch(/processing\s+1h35m so far/);
      expect(answer.text).toContain('ORA-12541: TNS:no listener');
      expect(answer.text).toContain('try `health oracle-bi`');
      expect(api.requestsTo(`/api/v1/reports/${reportId}/executions`)).toHaveLength(1);

      const unknown = await viaApi.run('reports status 0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a10');
      expect(unknown.text).toContain('The Oatie API knows no report 0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a10');
    } finally {
      await viaApi.close();
      await api.stop();
    }
  });
});
