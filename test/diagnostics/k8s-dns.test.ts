// `k8s dns`: are the CoreDNS pods healthy, and do the platform's services have endpoints behind them?
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createSocket } from 'node:dgram';
import {
  closeDiagnostics,
  startDiagnostics,
  withDiagnostics,
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

describe('k8s dns: the names the bot resolves itself', () => {
  test('a name that resolves and one that does not exist (NXDOMAIN), with no cluster configured', () =>
    withDiagnostics({ OATIE_DNS_NAMES: 'localhost,report-service.oatie.svc.cluster.local' }, async (dns) => {
      const answer = await dns.run('k8s dns');
      expect(answer.text).toContain(
        '🔴 One name does not resolve from the bot: report-service.oatie.svc.cluster.local (NXDOMAIN).',
      );
      expect(tableRows(answer.replies)).toEqual([
        expect.stringMatching(/^localhost \| ✅ (127\.0\.0\.1|::1)/),
        'report-service.oatie.svc.cluster.local | 🔴 no such name (NXDOMAIN): a wrong name, namespace or search domain, or the service is gone',
      ]);
      expect(answer.text).toContain(
        "Kubernetes is not configured (KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true): CoreDNS and the services' endpoints are not checked.",
      );
    }));

  test('a DNS server that never answers: a timeout, told apart from a missing name', async () => {
    const silent = createSocket('udp4');
    await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
    const { port } = silent.address();
    try {
      await withDiagnostics(
        {
          OATIE_DNS_NAMES: 'postgres.oatie.svc.cluster.local',
          OATIE_DNS_SERVERS: `127.0.0.1:${port}`,
          OATIE_TARGET_TIMEOUT_MS: '500',
        },
        async (dns) => {
          const answer = await dns.run('k8s dns');
          expect(answer.text).toContain(
            '🔴 One name does not resolve from the bot: postgres.oatie.svc.cluster.local (timeout).',
          );
          expect(answer.text).toContain(`name (from the bot, DNS servers 127.0.0.1:${port})`);
          expect(tableRows(answer.replies)).toEqual([
            'postgres.oatie.svc.cluster.local | 🔴 no answer within 500 ms (timeout): the DNS server is down or unreachable — check CoreDNS and the network policies towards it',
          ]);
        },
      );
    } finally {
      silent.close();
    }
  });

  test('beside the cluster: both verdicts in one line', async () => {
    await withDiagnostics(
      fake.env({ OATIE_PLATFORM_SERVICES: 'postgres', OATIE_DNS_NAMES: 'localhost,nowhere.invalid' }),
      async (dns) => {
        const answer = await dns.run('k8s dns');
        expect(answer.text).toContain(
          '🔴 One name does not resolve from the bot: nowhere.invalid (NXDOMAIN). CoreDNS is healthy: 2 of 2 pods ready.',
        );
      },
    );
  });
});
