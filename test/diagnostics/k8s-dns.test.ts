// `k8s dns`: are the CoreDNS pods healthy, and do the platform's services have endpoints behind them?
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { FakeKube } from '../support/fake-kube.js';
import { endpoints, pod, service, type PodFixture } from '../support/kube-fixtures.js';
import { tableRows } from '../support/message-tables.js';

let fake: FakeKube;
let bot: DiagnosticsHarness;

const coredns = (name: string, extra: Partial<PodFixture> = {}) =>
  pod({
    name,
    namespace: 'kube-system',
    labels: { 'k8s-app': 'kube-dns' },
    containers: ['coredns'],
    ...extra,
  });

beforeAll(async () => {
  fake = await FakeKube.start({
    pods: [coredns('coredns-5d78c9869d-aaaaa'), coredns('coredns-5d78c9869d-bbbbb')],
    services: [service({ name: 'postgres' }), service({ name: 'redis' })],
    endpoints: [
      endpoints({ name: 'postgres', ready: ['10.244.1.15'] }),
      endpoints({ name: 'redis', notReady: ['10.244.2.9'] }),
    ],
  });
  bot = await startDiagnostics(fake.env({ OATIE_PLATFORM_SERVICES: 'postgres,redis,auth-service' }));
});

afterAll(() => closeDiagnostics(bot, fake));

describe('k8s dns', () => {
  test('CoreDNS pods and the endpoints of the platform’s services', async () => {
    const answer = await bot.run('k8s dns');
    expect(
      fake.requests.some(
        (r) =>
          r.path === '/api/v1/namespaces/kube-system/pods' && r.query.labelSelector === 'k8s-app=kube-dns',
      ),
    ).toBe(true);
    expect(answer.text).toContain(
      '🔴 CoreDNS is healthy: 2 of 2 pods ready; but redis, auth-service have no ready endpoints.',
    );
    expect(answer.text).toMatch(/coredns-5d78c9869d-aaaaa\s+Running\s+1\/1\s+0/);
    expect(tableRows(answer.replies).slice(2)).toEqual([
      'postgres | ✅ 1 ready (10.244.1.15)',
      'redis | 🔴 no ready endpoints (1 not ready): the name resolves, but nothing answers behind it',
      'auth-service | 🔴 no such service: its name does not resolve',
    ]);
  });

  test('CoreDNS pods that crash are the verdict', async () => {
    const saved = fake.fixtures.pods;
    fake.fixtures.pods = [
      coredns('coredns-5d78c9869d-aaaaa', {
        waiting: 'CrashLoopBackOff',
        restarts: 9,
        lastTermination: { reason: 'Error' },
      }),
    ];
    const answer = await bot.run('k8s dns');
    fake.fixtures.pods = saved;
    expect(answer.text).toContain(
      '🔴 The only CoreDNS pod is not ready: names cannot resolve. Services without ready endpoints: redis, auth-service.',
    );
    expect(answer.text).toMatch(/coredns-5d78c9869d-aaaaa\s+CrashLoopBackOff\s+0\/1\s+9\s+Error \(exit 1\)/);
  });
});
