// `k8s logs <deployment>`: the last lines of a deployment's pods — found through the deployment's own
// selector — filtered and counted by level, with secrets masked.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { FakeKube } from '../support/fake-kube.js';
import { deployment, pod } from '../support/kube-fixtures.js';

let fake: FakeKube;
let bot: DiagnosticsHarness;

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl';
const oldLines = Array.from(
  { length: 120 },
  (_, i) => `2026-11-28T10:${String(i % 60).padStart(2, '0')}:00Z INFO old line ${i}`,
);

beforeAll(async () => {
  fake = await FakeKube.start({
    // The selector is not simply app=<name>: the bot must use the deployment's own.
    deployments: [deployment({ name: 'report-service', matchLabels: { app: 'reports', tier: 'api' } })],
    pods: [
      pod({
        name: 'report-service-7d9f8c6b5-aaaaa',
        labels: { app: 'reports', tier: 'api' },
        containers: ['report-service', 'log-shipper'],
      }),
      pod({
        name: 'report-service-7d9f8c6b5-bbbbb',
        labels: { app: 'reports', tier: 'api' },
        containers: ['report-service'],
      }),
      pod({ name: 'reports-batch-1', labels: { app: 'reports', tier: 'batch' } }),
    ],
    logs: {
      'report-service-7d9f8c6b5-aaaaa': [
        ...oldLines,
        '2026-11-28T11:00:01Z INFO GET /api/v1/reports 200',
        '2026-11-28T11:00:02Z ERROR Oracle BI Publisher connection refused (PublicReportService)',
        `2026-11-28T11:00:03Z WARN retrying with Authorization: Bearer ${JWT}`,
      ],
      'report-service-7d9f8c6b5-bbbbb': [
        '{"level":50,"msg":"database connection pool exhausted","time":1764327600000}',
        '{"level":30,"msg":"report 42 generated"}',
        '2026-11-28T11:00:05Z INFO retried after error, connection ok',
      ],
      'reports-batch-1': ['ERROR this pod is not part of the deployment'],
    },
  });
  bot = await startDiagnostics(fake.env());
});

afterAll(() => closeDiagnostics(bot, fake));

describe('k8s logs', () => {
  test('reads the last 100 lines of each pod of the deployment and counts them by level', async () => {
    const start = fake.requests.length;
    const answer = await bot.run('k8s logs report-service --since 2h');
    const sent = fake.requests.slice(start);
    expect(sent[0]?.path).toBe('/apis/apps/v1/namespaces/oatie/deployments/report-service');
    expect(sent[1]?.query.labelSelector).toBe('app=reports,tier=api');
    const logReads = sent.filter((r) => r.path.endsWith('/log'));
    expect(logReads.map((r) => r.path).sort()).toEqual([
      '/api/v1/namespaces/oatie/pods/report-service-7d9f8c6b5-aaaaa/log',
      '/api/v1/namespaces/oatie/pods/report-service-7d9f8c6b5-bbbbb/log',
    ]);
    for (const r of logReads)
      expect(r.query).toMatchObject({ sinceSeconds: '7200', tailLines: '100', container: 'report-service' });

    expect(answer.text).toContain('Logs of report-service — last 2 hours');
    expect(answer.text).toContain('⚠️ 2 errors and 1 warning in 103 lines across 2 pods.');
    expect(answer.text).toMatch(/ERROR: 2\nWARN: 1\nINFO: 100\nother: 0/);
    expect(answer.text).toContain(
      'aaaaa | 2026-11-28T11:00:02Z ERROR Oracle BI Publisher connection refused',
    );
    expect(answer.text).not.toContain('not part of the deployment');
    // "INFO retried after error": the level word comes first, so it is INFO, not ERROR.
    expect(answer.text).toContain('bbbbb | 2026-11-28T11:00:05Z INFO retried after error');
  });

  test('never shows a token found in a log line', async () => {
    const answer = await bot.run('k8s logs report-service');
    expect(answer.text).toContain('retrying with Authorization: Bearer [jwt]');
    expect(answer.text).not.toContain(JWT);
    expect(answer.text).not.toContain('eyJ');
  });

  test('--grep keeps the matching lines only, case-insensitively', async () => {
    const answer = await bot.run('k8s logs report-service --grep "CONNECTION"');
    expect(answer.text).toContain('2 errors and 0 warnings in 3 lines across 2 pods.');
    expect(answer.text).toContain('bbbbb | {"level":50,"msg":"database connection pool exhausted"');
    expect(answer.text).not.toContain('report 42 generated');
  });

  test('an unknown deployment is "not found"; nothing else is asked', async () => {
    const start = fake.requests.length;
    const answer = await bot.run('k8s logs billing-service');
    expect(answer.text).toContain('🔍 There is no deployment billing-service in namespace oatie.');
    expect(fake.requests.length - start).toBe(1);
  });

  test('bad input is a usage error and the cluster is not asked', async () => {
    const start = fake.requests.length;
    for (const [text, expected] of [
      [
        'k8s logs report-service --since 99y',
        'expected a duration like 90s, 5m or 1h, from 1 second to 7 days',
      ],
      [
        'k8s logs report-service --since 30d',
        'expected a duration like 90s, 5m or 1h, from 1 second to 7 days',
      ],
      ['k8s logs "report-service; kubectl delete ns oatie"', 'expected a Kubernetes name'],
      ['k8s logs "\' OR 1=1 --"', 'expected a Kubernetes name'],
    ] as const) {
      const answer = await bot.run(text);
      expect(answer.to).toEqual(['caller']);
      expect(answer.text).toContain(expected);
    }
    expect(fake.requests.length).toBe(start);
  });
});
