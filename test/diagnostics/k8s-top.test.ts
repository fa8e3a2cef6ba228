// `k8s top pods|nodes`: memory and CPU use against requests and limits, the pods closest to being
// OOMKilled first; nodes against what they can allocate.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { FakeKube } from '../support/fake-kube.js';
import { node, nodeMetric, pod, podMetric } from '../support/kube-fixtures.js';

let fake: FakeKube;
let bot: DiagnosticsHarness;

beforeAll(async () => {
  fake = await FakeKube.start({
    pods: [
      pod({
        name: 'report-service-a',
        app: 'report-service',
        requests: { cpu: '250m', memory: '512Mi' },
        limits: { cpu: '1', memory: '1Gi' },
      }),
      pod({
        name: 'auth-service-a',
        app: 'auth-service',
        requests: { cpu: '100m', memory: '128Mi' },
        limits: { cpu: '500m', memory: '512Mi' },
      }),
      pod({ name: 'export-worker-a', app: 'export-worker', requests: { memory: '256Mi' } }),
    ],
    podMetrics: [
      podMetric('auth-service-a', { cpu: '20m', memory: '100Mi' }),
      podMetric('report-service-a', { cpu: '900m', memory: '972Mi' }),
      podMetric('export-worker-a', { cpu: '1500000000n', memory: '300Mi' }),
    ],
    nodes: [
      node({ name: 'node-1', cpu: '4', memory: '16Gi' }),
      node({ name: 'node-2', cpu: '4', memory: '16Gi', ready: false }),
    ],
    nodeMetrics: [
      nodeMetric('node-1', { cpu: '1200m', memory: '8Gi' }),
      nodeMetric('node-2', { cpu: '100m', memory: '15Gi' }),
    ],
  });
  bot = await startDiagnostics(fake.env());
});

afterAll(() => closeDiagnostics(bot, fake));

describe('k8s top', () => {
  test('pods: use against requests and limits, closest to the memory limit first', async () => {
    const answer = await bot.run('k8s top pods');
    expect(fake.requests.map((r) => r.path)).toContain('/apis/metrics.k8s.io/v1beta1/namespaces/oatie/pods');
    expect(answer.text).toContain('⚠️ 1 pod is at 90% or more of their memory limit: report-service-a.');
    const rows = answer.text.split('\n').filter((l) => /^\w+-\w+-a\s/.test(l));
    expect(rows[0]).toMatch(/^report-service-a\s+900m\s+360%\s+90%\s+972Mi\s+190%\s+95%$/);
    expect(rows[1]).toMatch(/^auth-service-a\s+20m\s+20%\s+4%\s+100Mi\s+78%\s+20%$/);
    // No limit: nothing to compare to, and it says so.
    expect(rows[2]).toMatch(/^export-worker-a\s+1\.5\s+—\s+—\s+300Mi\s+117%\s+—$/);
    expect(answer.text).toContain('1 pod has no memory limit (—)');
  });

  test('nodes: use against allocatable, with readiness', async () => {
    const answer = await bot.run('k8s top nodes');
    expect(answer.text).toContain('⚠️ 1 node needs attention (not ready, or 90%+ memory): node-2.');
    expect(answer.text).toMatch(/node-2\s+NO\s+100m\s+3%\s+15Gi\s+94%/);
    expect(answer.text).toMatch(/node-1\s+yes\s+1\.2\s+30%\s+8Gi\s+50%/);
  });

  test('without the metrics API, says what to install', async () => {
    fake.fixtures.metricsAvailable = false;
    const answer = await bot.run('k8s top pods');
    fake.fixtures.metricsAvailable = true;
    expect(answer.text).toContain('🚧');
    expect(answer.text).toContain(
      'has no metrics API (metrics.k8s.io answered 404): is metrics-server installed?',
    );
  });

  test('anything but pods or nodes is a usage error', async () => {
    const before = fake.requests.length;
    const answer = await bot.run('k8s top deployments');
    expect(answer.text).toContain('expected pods or nodes');
    expect(fake.requests.length).toBe(before);
  });
});
