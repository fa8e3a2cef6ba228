// `health oracle-bi`: the API's view of BI Publisher and the bot's own direct probe, side by side,
// and where the link breaks.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeDiagnostics, startDiagnostics, withDiagnostics } from '../support/diagnostics-harness.js';
import { FakeOatieApi } from '../support/fake-oatie-api.js';
import { FakeOracleBi } from '../support/fake-oracle-bi.js';
import { closedPort } from '../support/http-fake.js';
import { tableRows } from '../support/message-tables.js';

let api: FakeOatieApi;
let bi: FakeOracleBi;

beforeAll(async () => {
  [api, bi] = await Promise.all([FakeOatieApi.start(), FakeOracleBi.start()]);
});

afterAll(() => closeDiagnostics(api, bi));

describe('health oracle-bi', () => {
  test('healthy through the API and reachable directly, with latencies', async () => {
    bi.delayMs = 40;
    const bot = await startDiagnostics({ ...api.env(), ORACLE_BI_URL: bi.url });
    try {
      const answer = await bot.run('health oracle-bi');
      expect(answer.text).toContain('✅ Oracle BI Publisher is reachable and healthy.');
      const [viaApi, direct] = tableRows(answer.replies);
      expect(viaApi).toMatch(
        /^via Oatie API \| ✅ healthy \| [\d.]+ m?s \| the Oatie API says healthy, BI answered the API in 84 ms$/,
      );
      expect(direct).toMatch(
        /^direct \| ✅ healthy \| (\d+) ms \| PublicReportService at 127\.0\.0\.1:\d+ served the WSDL \(HTTP 200\)$/,
      );
      expect(Number(/direct \| ✅ healthy \| (\d+) ms/.exec(direct ?? '')?.[1])).toBeGreaterThanOrEqual(35);
      expect(api.requests.at(-1)?.path).toBe('/api/v1/health/oracle-bi');
    } finally {
      bi.delayMs = undefined;
      await bot.close();
    }
  });

  test('BI answers but the API cannot use it: the verdict points at the API’s side', async () => {
    api.oracleBi = {
      status: 503,
      body: { status: 'unhealthy', error: 'PublicReportService: 401 invalid username or password' },
    };
    bi.status = 401;
    const bot = await startDiagnostics({ ...api.env(), ORACLE_BI_URL: bi.url });
    try {
      const answer = await bot.run('health oracle-bi');
      expect(answer.text).toContain(
        '🔴 BI Publisher answers, but the Oatie API cannot use it: check the credentials and data source',
      );
      const [viaApi, direct] = tableRows(answer.replies);
      expect(viaApi).toContain('🔴 unhealthy | ');
      expect(viaApi).toContain(
        'the Oatie API says unhealthy: PublicReportService: 401 invalid username or password',
      );
      expect(direct).toMatch(
        /✅ healthy \| [\d.]+ m?s \| PublicReportService at 127\.0\.0\.1:\d+ asks for credentials \(HTTP 401\)/,
      );
    } finally {
      api.oracleBi = { status: 200, body: { status: 'healthy', latency_ms: 84 } };
      bi.status = 200;
      await bot.close();
    }
  });

  test('BI unreachable from the bot is named; a silent API times out within the timeout', async () => {
    const bot = await startDiagnostics({
      ...api.env(),
      ORACLE_BI_URL: `http://127.0.0.1:${await closedPort()}`,
      OATIE_TARGET_TIMEOUT_MS: '300',
    });
    api.hang = true;
    try {
      const answer = await bot.run('health oracle-bi');
      expect(answer.text).toMatch(
        /🔴 BI Publisher is not reachable from the bot: Oracle BI Publisher at 127\.0\.0\.1:\d+ refused the connection/,
      );
      expect(tableRows(answer.replies)[0]).toContain('did not answer within 0.3 s');
    } finally {
      api.hang = false;
      await bot.close();
    }
  });

  test('not configured: names the variables of both views', () =>
    withDiagnostics({}, async (bot) => {
      const answer = await bot.run('health oracle-bi');
      expect(answer.text).toContain(
        'Oracle BI Publisher is not configured: set OATIE_API_URL and OATIE_API_TOKEN, or ORACLE_BI_URL.',
      );
      expect(tableRows(answer.replies)).toEqual([
        'via Oatie API | ⚙️ not configured | — | not configured (set OATIE_API_URL and OATIE_API_TOKEN)',
        'direct | ⚙️ not configured | — | not configured (set ORACLE_BI_URL)',
      ]);
    }));
});
