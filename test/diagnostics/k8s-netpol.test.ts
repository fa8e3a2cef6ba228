// `k8s netpol`: the namespace's network policies, what each selects and what it lets in and out.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { FakeKube } from '../support/fake-kube.js';
import { networkPolicy } from '../support/kube-fixtures.js';
import { tableRows } from '../support/message-tables.js';

let fake: FakeKube;
let bot: DiagnosticsHarness;

beforeAll(async () => {
  fake = await FakeKube.start({
    networkPolicies: [
      // The guide's policy: oatie pods accept traffic from oatie pods.
      networkPolicy('allow-oatie-services', {
        podSelector: { matchLabels: { app: 'oatie' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'oatie' } } }] }],
      }),
      networkPolicy('default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
      networkPolicy('report-service-egress', {
        podSelector: {
          matchExpressions: [{ key: 'app', operator: 'In', values: ['report-service', 'export-worker'] }],
        },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ ipBlock: { cidr: '10.20.0.0/16', except: ['10.20.5.0/24'] } }],
            ports: [{ protocol: 'TCP', port: 9502 }],
          },
          {
            to: [
              {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            ],
            ports: [{ protocol: 'UDP', port: 53 }],
          },
        ],
      }),
      networkPolicy('elsewhere', { podSelector: {} }, 'other-namespace'),
    ],
  });
  bot = await startDiagnostics(fake.env());
});

afterAll(() => closeDiagnostics(bot, fake));

describe('k8s netpol', () => {
  test('shows what each policy selects and allows', async () => {
    const answer = await bot.run('k8s netpol');
    expect(fake.requests.at(-1)?.path).toBe('/apis/networking.k8s.io/v1/namespaces/oatie/networkpolicies');
    expect(answer.text).toContain(
      '3 network policies in namespace oatie. default-deny-ingress denies all ingress by default',
    );
    expect(tableRows(answer.replies)).toEqual([
      'allow-oatie-services | app=oatie | pods app=oatie | not restricted',
      'default-deny-ingress | all pods | nothing (deny all) | not restricted',
      'report-service-egress | app in (report-service,export-worker) | not restricted | ' +
        '10.20.0.0/16 except 10.20.5.0/24 on 9502/TCP; pods k8s-app=kube-dns in namespaces kubernetes.io/metadata.name=kube-system on 53/UDP',
    ]);
    expect(answer.text).not.toContain('elsewhere');
  });

  test('no policy at all means everything is allowed, and it says so', async () => {
    const saved = fake.fixtures.networkPolicies;
    fake.fixtures.networkPolicies = [];
    const answer = await bot.run('k8s netpol');
    fake.fixtures.networkPolicies = saved;
    expect(answer.text).toContain(
      'No network policies in namespace oatie: all traffic between pods is allowed.',
    );
  });

  test('a forbidden list says the bot’s role is the problem', async () => {
    fake.failWith = 403;
    const answer = await bot.run('k8s netpol');
    fake.failWith = undefined;
    expect(answer.text).toMatch(
      /🔌 The Kubernetes API at 127\.0\.0\.1:\d+ refused the request \(403 Forbidden\)/,
    );
  });
});
