// `health`: the platform at a glance — database, Redis, Oracle BI, Kubernetes and the Oatie API, each
// healthy or why not, with latency; unconfigured targets name their variable; nothing hangs.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { closeDiagnostics, startDiagnostics, withDiagnostics } from '../support/diagnostics-harness.js';
import { FakeKube } from '../support/fake-kube.js';
import { FakeOatieApi } from '../support/fake-oatie-api.js';
import { FakeOracleBi } from '../support/fake-oracle-bi.js';
import { closedPort } from '../support/http-fake.js';
import { tableRows } from '../support/message-tables.js';
import { blackhole } from '../support/tcp.js';
import { REDIS_URL } from '../support/test-redis.js';

let database: TestDatabase;
let kube: FakeKube;
let api: FakeOatieApi;
let bi: FakeOracleBi;

beforeAll(async () => {
  [database, kube, api, bi] = await Promise.all([
    createTestDatabase('health'),
    FakeKube.start(),
    FakeOatieApi.start(),
    FakeOracleBi.start(),
  ]);
});

afterAll(() => closeDiagnostics(kube, api, bi, database));

const row = (rows: string[], name: string): string =>
  rows.find((r) => r.startsWith(`${name} | `)) ?? `(no ${name} row)`;

describe('health', () => {
  test('every configured target healthy, with its latency', async () => {
    await withDiagnostics(
      {
        OATIE_DATABASE_URL: database.url,
        OATIE_REDIS_URL: REDIS_URL,
        ...kube.env(),
        ...api.env(),
        ORACLE_BI_URL: bi.url,
      },
      async (bot) => {
        const answer = await bot.run('health');
        expect(answer.text).toContain('✅ All 5 configured checks are healthy.');
        const rows = tableRows(answer.replies);
        expect(row(rows, 'database')).toMatch(
          /^database \| ✅ healthy \| [\d.]+ m?s \| SELECT 1 on 127\.0\.0\.1:5432\/oatie_test_health_\w+$/,
        );
        expect(row(rows, 'redis')).toMatch(
          /^redis \| ✅ healthy \| [\d.]+ m?s \| PING on 127\.0\.0\.1:6379\/0$/,
        );
        expect(row(rows, 'oracle_bi')).toMatch(
          /^oracle_bi \| ✅ healthy \| [\d.]+ m?s \| the Oatie API says healthy, BI answered the API in 84 ms$/,
        );
        expect(row(rows, 'kubernetes')).toMatch(
          /^kubernetes \| ✅ healthy \| [\d.]+ m?s \| API server v1\.30\.2 at 127\.0\.0\.1:\d+ \(namespace oatie\)$/,
        );
        expect(row(rows, 'oatie_api')).toMatch(
          /^oatie_api \| ✅ healthy \| [\d.]+ m?s \| 127\.0\.0\.1:\d+ says healthy; memory 312Mi$/,
        );
      },
    );
  });

  test('unconfigured targets say which variable to set', () =>
    withDiagnostics({}, async (bot) => {
      const answer = await bot.run('health');
      expect(answer.text).toContain('No target is configured: set the variables listed below.');
      expect(tableRows(answer.replies)).toEqual([
        'database | ⚙️ not configured | — | not configured (set OATIE_DATABASE_URL)',
        'redis | ⚙️ not configured | — | not configured (set OATIE_REDIS_URL)',
        'oracle_bi | ⚙️ not configured | — | not configured (set OATIE_API_URL and OATIE_API_TOKEN, or ORACLE_BI_URL)',
        'kubernetes | ⚙️ not configured | — | not configured (set KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true)',
        'oatie_api | ⚙️ not configured | — | not configured (set OATIE_API_URL and OATIE_API_TOKEN)',
      ]);
    }));

  test('without the API, Oracle BI is checked directly', () =>
    withDiagnostics({ ORACLE_BI_URL: bi.url }, async (bot) => {
      const answer = await bot.run('health');
      expect(row(tableRows(answer.replies), 'oracle_bi')).toMatch(
        /✅ healthy \| [\d.]+ m?s \| PublicReportService at 127\.0\.0\.1:\d+ served the WSDL \(HTTP 200\)$/,
      );
    }));

  test('targets that are down or silent are named, and the answer comes within the timeout', async () => {
    const [pgPort, redisPort] = await Promise.all([closedPort(), closedPort()]);
    // A timeout a loaded machine's 401 answer always beats: only the silent targets reach it.
    const bot = await startDiagnostics({
      OATIE_TARGET_TIMEOUT_MS: '3000',
      OATIE_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort}/oatie`,
      OATIE_REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      ...kube.env(),
      ...api.env(),
    });
    kube.failWith = 401;
    api.hang = true;
    try {
      const answer = await bot.run('health');
      expect(answer.text).toContain(
        '🔴 Unhealthy: database, redis, oracle_bi, kubernetes, oatie_api (0 of 5 checks healthy).',
      );
      const rows = tableRows(answer.replies);
      expect(row(rows, 'database')).toMatch(
        /🔴 unhealthy \| — \| The Oatie database at 127\.0\.0\.1:\d+\/oatie refused the connection/,
      );
      expect(row(rows, 'redis')).toBe(
        `redis | 🔴 unhealthy | — | The Oatie Redis at 127.0.0.1:${redisPort}/0 refused the connection (nothing listens on that port).`,
      );
      expect(row(rows, 'kubernetes')).toContain('rejected the credentials (401 Unauthorized)');
      expect(row(rows, 'oracle_bi')).toContain('did not answer within 3 s');
      expect(row(rows, 'oatie_api')).toContain('did not answer within 3 s');
    } finally {
      kube.failWith = undefined;
      api.hang = false;
      await bot.close();
    }
  });

  test('a Redis that accepts and never answers is reported as timed out, within the timeout', async () => {
    const silent = await blackhole();
    try {
      await withDiagnostics(
        { OATIE_TARGET_TIMEOUT_MS: '300', OATIE_REDIS_URL: `redis://127.0.0.1:${silent.port}` },
        async (bot) => {
          const answer = await bot.run('health');
          expect(row(tableRows(answer.replies), 'redis')).toBe(
            `redis | 🔴 unhealthy | — | The Oatie Redis at 127.0.0.1:${silent.port}/0 did not answer within 300 ms.`,
          );
          expect(silent.accepted).toBeGreaterThan(0);
        },
      );
    } finally {
      await silent.close();
    }
  });
});
