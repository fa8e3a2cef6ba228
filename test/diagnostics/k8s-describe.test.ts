// `k8s describe <pod>`: a pod's containers with requests and limits, and the events about it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { FakeKube } from '../support/fake-kube.js';
import { event, pod } from '../support/kube-fixtures.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
const POD = 'report-service-7d9f8c6b5-abc12';
let fake: FakeKube;
let bot: DiagnosticsHarness;

beforeAll(async () => {
  fake = await FakeKube.start({
    pods: [
      pod({
        name: POD,
        app: 'report-service',
        deployment: 'report-service',
        restarts: 4,
        requests: { cpu: '250m', memory: '512Mi' },
        limits: { cpu: '1', memory: '1Gi' },
        lastTermination: { reason: 'OOMKilled', finishedAt: minutesAgo(12) },
        createdAt: minutesAgo(120),
        node: 'node-7',
      }),
      pod({ name: 'auth-service-1', app: 'auth-service', requests: { cpu: '100m' } }),
      pod({ name: 'export-worker-1', app: 'export-worker', limits: { memory: '256Mi' } }),
    ],
    events: [
      event({
        pod: POD,
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container report-service',
        count: 6,
        lastSeen: minutesAgo(2),
      }),
      event({
        pod: POD,
        reason: 'Pulled',
        message: 'Container image "registry.oatie.ai/report-service:1.4.2" already present',
        lastSeen: minutesAgo(12),
      }),
      event({ pod: 'auth-service-1', reason: 'Started', message: 'Started container auth-service' }),
    ],
  });
  bot = await startDiagnostics(fake.env(), { now: () => NOW });
});

afterAll(() => closeDiagnostics(bot, fake));

describe('k8s describe', () => {
  test('shows containers with requests and limits, and the pod’s recent events', async () => {
    const answer = await bot.run(`k8s describe ${POD}`);
    expect(answer.text).toContain(
      `⚠️ ${POD} was OOMKilled: a container went over its memory limit (4 restarts).`,
    );
    expect(answer.text).toContain('Node: node-7');
    expect(answer.text).toContain('Deployment: report-service');
    expect(answer.text).toMatch(
      /report-service\s+running\s+4\s+250m \/ 1\s+512Mi \/ 1Gi\s+OOMKilled \(exit 137\) 12m0s ago/,
    );
    expect(answer.text).toMatch(
      /2m0s\s+Warning\s+BackOff\s+×6\s+Back-off restarting failed container report-service/,
    );
    expect(answer.text).toMatch(/12m0s\s+Normal\s+Pulled/);
    expect(answer.text).not.toContain('Started container auth-service');
    expect(fake.requests.at(-1)?.query.fieldSelector).toBe(
      `involvedObject.kind=Pod,involvedObject.name=${POD}`,
    );
  });

  test('a container without a memory limit is pointed out', async () => {
    const answer = await bot.run('k8s describe auth-service-1');
    expect(answer.text).toContain('⚠️ auth-service-1 is running, but auth-service has no memory limit.');
    expect(answer.text).toMatch(/auth-service\s+running\s+0\s+100m \/ —\s+— \/ —/);
    expect(answer.text).toMatch(/Normal\s+Started\s+Started container auth-service/);
  });

  test('a healthy pod with no events says both', async () => {
    const answer = await bot.run('k8s describe export-worker-1');
    expect(answer.text).toContain('✅ export-worker-1 is running and ready.');
    expect(answer.text).toContain('No recent events (the API keeps them for about an hour).');
  });

  test('an unknown pod is "not found"', async () => {
    const answer = await bot.run('k8s describe report-service-gone');
    expect(answer.text).toContain('🔍 There is no pod report-service-gone in namespace oatie.');
  });

  test('a name that is not a DNS label is a usage error, and the cluster is not asked', async () => {
    const start = fake.requests.length;
    for (const bad of [
      'Report_Service',
      '../../nodes',
      '"pod; rm -rf /"',
      "\"x' OR '1'='1\"",
      'a'.repeat(64),
      '-leading-dash',
    ]) {
      const answer = await bot.run(`k8s describe ${bad}`);
      expect(answer.to).toEqual(['caller']);
      expect(answer.text).toContain('expected a Kubernetes name (lowercase letters, digits, -)');
    }
    expect(fake.requests.length).toBe(start);
  });
});
