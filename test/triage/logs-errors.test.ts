// `logs errors`: the guide's ELK error analysis through the official Elasticsearch client against a
// fake speaking Elasticsearch's HTTP API; without Elasticsearch (or when it hangs), the Kubernetes
// logs of the app grouped by message shape, and the answer says which. Log text is cut and masked.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { closeDiagnostics, withDiagnostics } from '../support/diagnostics-harness.js';
import { FakeElasticsearch } from '../support/fake-elasticsearch.js';
import { FakeKube } from '../support/fake-kube.js';
import { pod } from '../support/kube-fixtures.js';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVl';
let es: FakeElasticsearch;
let kube: FakeKube;

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString();

beforeAll(async () => {
  es = await FakeElasticsearch.start();
  es.entries = [
    {
      '@timestamp': minutesAgo(50),
      level: 'ERROR',
      error_type: 'OracleBIConnectionError',
      app: 'report-service',
      message: 'ORA-12541',
    },
    {
      '@timestamp': minutesAgo(20),
      level: 'ERROR',
      error_type: 'OracleBIConnectionError',
      app: 'report-service',
      message: 'ORA-12541',
    },
    {
      '@timestamp': minutesAgo(5),
      level: 'ERROR',
      error_type: 'OracleBIConnectionError',
      app: 'report-service',
      message: 'ORA-12541',
    },
    {
      '@timestamp': minutesAgo(10),
      level: 'ERROR',
      error_type: 'TokenExpiredError',
      app: 'auth-service',
      message: 'jwt expired',
    },
    { '@timestamp': minutesAgo(12), level: 'INFO', app: 'report-service', message: 'report done' },
    // Outside the hour.
    {
      '@timestamp': minutesAgo(90),
      level: 'ERROR',
      error_type: 'PoolTimeoutError',
      app: 'report-service',
      message: 'pool',
    },
  ];
  kube = await FakeKube.start({
    pods: [
      pod({ name: 'report-service-7d9f8c6b5-aaaaa', app: 'report-service' }),
      pod({ name: 'report-service-7d9f8c6b5-bbbbb', app: 'report-service' }),
      pod({ name: 'auth-service-5c6d7e8f9-ccccc', app: 'auth-service' }),
    ],
    logs: {
      'report-service-7d9f8c6b5-aaaaa': [
        '2026-12-01T10:00:01Z ERROR Report 3f1c2a7e-1111-4c1e-9f3a-2d5e8b7c6a10 failed after 5012 ms: ORA-12541 TNS:no listener',
        '2026-12-01T10:05:01Z INFO report done',
        `2026-12-01T10:07:00Z ERROR upstream call failed with Authorization: Bearer ${JWT} and password=hunter2`,
      ],
      'report-service-7d9f8c6b5-bbbbb': [
        '2026-12-01T10:10:01Z ERROR Report 9ab2c3d4-2222-4c1e-9f3a-2d5e8b7c6a10 failed after 4870 ms: ORA-12541 TNS:no listener',
        `2026-12-01T10:11:01Z ERROR ${'x'.repeat(500)} <!channel> \u0007`,
      ],
      'auth-service-5c6d7e8f9-ccccc': ['2026-12-01T10:00:00Z ERROR token expired for user 42'],
    },
  });
});

afterAll(() => closeDiagnostics(es, kube));

describe('logs errors', () => {
  test('from Elasticsearch: errors of the window by error_type, with first and last seen', () =>
    withDiagnostics({ OATIE_ELASTICSEARCH_URL: es.url }, async (bot) => {
      const answer = await bot.run('logs errors --since 1h');
      expect(answer.to).toEqual(['channel']);
      expect(answer.text).toContain(
        '⚠️ 4 errors in the last 1 hour, of 2 kinds; most frequent: OracleBIConnectionError (3).',
      );
      expect(answer.text).toMatch(/OracleBIConnectionError\s+3\s+50 minutes ago\s+5 minutes ago/);
      expect(answer.text).toMatch(/TokenExpiredError\s+1\s+10 minutes ago\s+10 minutes ago/);
      expect(answer.text).not.toContain('PoolTimeoutError');
      expect(answer.text).toContain('From Elasticsearch at 127.0.0.1');
      // The guide's query, as the client sent it.
      const [search] = es.searches().slice(-1);
      expect(search?.size).toBe(0);
      expect(search?.aggs?.error_types?.terms).toEqual({ field: 'error_type.keyword', size: 10 });
      expect(JSON.stringify(search?.query)).toContain('{"match":{"level":"ERROR"}}');
      expect(JSON.stringify(search?.query)).toContain('{"range":{"@timestamp":{"gte":"now-3600s"}}}');
    }));

  test('--app narrows to one application', () =>
    withDiagnostics({ OATIE_ELASTICSEARCH_URL: es.url }, async (bot) => {
      const answer = await bot.run('logs errors --app auth-service');
      expect(answer.text).toContain('Errors — last 1 hour, app auth-service');
      expect(answer.text).toContain(
        '1 error in the last 1 hour, of 1 kind; most frequent: TokenExpiredError (1).',
      );
    }));

  test('an index that does not exist is said plainly', () =>
    withDiagnostics({ OATIE_ELASTICSEARCH_URL: es.url, OATIE_ELASTICSEARCH_INDEX: 'nope-*' }, async (bot) => {
      const answer = await bot.run('logs errors');
      expect(answer.text).toContain('has no index nope-* (OATIE_ELASTICSEARCH_INDEX)');
    }));

  test('without Elasticsearch: the Kubernetes logs, ERROR lines grouped by shape, cut and masked', () =>
    withDiagnostics(kube.env(), async (bot) => {
      const answer = await bot.run('logs errors --since 1h --app report-service');
      expect(answer.text).toContain(
        'Elasticsearch is not configured (OATIE_ELASTICSEARCH_URL). Read from the Kubernetes logs instead',
      );
      expect(answer.text).toContain('4 errors in the last 1 hour, of 3 kinds');
      // Two failures of two reports, on two pods, are one shape.
      expect(answer.text).toMatch(/Report <uuid> failed after <n> ms: ORA-<n> TNS:no listener\s+2\s+2/);
      expect(answer.text).toMatch(/first seen/);
      expect(answer.text).not.toContain(JWT);
      expect(answer.text).not.toContain('hunter2');
      expect(answer.text).toContain('Authorization: Bearer [jwt]');
      expect(answer.text).not.toContain('x'.repeat(200));
      expect(answer.text).not.toContain('\u0007');
      expect(answer.text).not.toContain('auth-service');
    }));

  test('Elasticsearch hanging: the Kubernetes logs instead, and why', async () => {
    es.hang = true;
    try {
      await withDiagnostics(
        { ...kube.env(), OATIE_ELASTICSEARCH_URL: es.url, OATIE_TARGET_TIMEOUT_MS: '300' },
        async (bot) => {
          const answer = await bot.run('logs errors --app auth-service');
          expect(answer.text).toContain('Elasticsearch did not answer (Elasticsearch at 127.0.0.1');
          expect(answer.text).toContain('did not answer within 0.3 s.)');
          expect(answer.text).toContain('“token expired for user <n>” (1)');
        },
      );
    } finally {
      es.hang = false;
    }
  });

  test('neither configured: says which variables to set', () =>
    withDiagnostics({}, async (bot) => {
      const answer = await bot.run('logs errors');
      expect(answer.text).toContain(
        'set OATIE_ELASTICSEARCH_URL, or KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true',
      );
    }));
});
