// `triage reports-failing` with Oracle BI Publisher hanging: the card still settles by the deadline,
// that row "timed out", the rest answered; and bad input: an unknown symptom gets the list.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  withDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { FakeOatieApi } from '../support/fake-oatie-api.js';
import { FakeOracleBi } from '../support/fake-oracle-bi.js';
import { consoleText } from '../support/recording-platform.js';
import { policyWith } from '../support/test-app.js';

let api: FakeOatieApi;
let bi: FakeOracleBi;

beforeAll(async () => {
  api = await FakeOatieApi.start();
  bi = await FakeOracleBi.start();
  bi.hang = true;
});

afterAll(() => closeDiagnostics(api, bi));

const lastCard = (bot: DiagnosticsHarness): string => {
  const cards = bot.cards();
  const last = cards[cards.length - 1];
  return last ? consoleText(last.message) : '';
};

describe('triage reports-failing', () => {
  test('a hanging Oracle BI shows "timed out" and the card settles by the deadline', async () => {
    // The target's own timeout (10 s) is longer than the card's deadline (1 s): the deadline decides.
    const policy = await policyWith((yaml) => yaml.replace('deadline: 5s', 'deadline: 1s'));
    await withDiagnostics(
      api.env({ ORACLE_BI_URL: bi.url, OATIE_TARGET_TIMEOUT_MS: '10000' }),
      async (bot) => {
        await bot.run('triage reports-failing');
        const text = lastCard(bot);
        expect(text).toContain('Triage: Reports Failing to Generate');
        expect(text).toContain('⏱️ timed out — Oracle BI Publisher reachable: no answer within 1.0 s');
        expect(text).toMatch(/✅ ok — Oracle BI \(as the Oatie API sees it\): the Oatie API says healthy/);
        expect(text).toContain(
          '⚙️ not configured — Reports stuck in processing: The Oatie database is not configured: set OATIE_DATABASE_URL.',
        );
        expect(text).toMatch(/1 timed out, 4 not configured, 1 ok/);
        expect(text).toContain(
          '1. Oracle BI Publisher connection (solution 1) (Oracle BI Publisher reachable timed out)',
        );
        expect(text).not.toContain('running…');
        expect(bi.requestsTo('/xmlpserver').length).toBeGreaterThan(0);
      },
      { policy },
    );
  });

  test('every row of the guide’s section is there, with the commands that give the whole answer', () =>
    withDiagnostics({}, async (bot) => {
      await bot.run('triage reports');
      const text = lastCard(bot);
      expect(text).toContain('Guide: 2. Report Generation Issues › Reports Failing to Generate.');
      expect(text).toContain(
        'Full answers: `reports stuck`, `health oracle-bi`, `logs errors --since 1h --app report-service`, `k8s pods --app report-service`, `db connections --idle-for 10m`.',
      );
      expect(text).toContain('⚙️ Nothing could be checked');
      expect(text).toContain('`reports status <report-id>`');
    }));

  test('an unknown symptom gets the list, privately, with a guess', () =>
    withDiagnostics({}, async (bot) => {
      const answer = await bot.run('triage reprots-failing');
      expect(answer.to).toEqual(['caller']);
      expect(answer.text).toContain(
        'There is no symptom `reprots-failing`. Did you mean `triage reports-failing`?',
      );
      for (const id of ['jwt', 'permissions', 'reports-slow', 'db-pool', 'db-slow', 'memory', 'network'])
        expect(answer.text).toContain(id);
      const hostile = await bot.run('triage <!here>');
      expect(hostile.text).not.toContain('<!here>');
    }));

  test('`triage` alone lists the symptoms with the guide’s description', () =>
    withDiagnostics({}, async (bot) => {
      const answer = await bot.run('triage');
      expect(answer.to).toEqual(['channel']);
      expect(answer.text).toMatch(/db-pool\s+Connection Pool Exhaustion\s+"Too many connections" errors/);
      expect(answer.text).toMatch(/memory\s+High Memory Usage\s+Out of memory errors/);
    }));
});
