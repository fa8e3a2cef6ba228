// `k8s pods`: an on-call engineer sees which pods restart and why, and is offered a restart of an
// allowlisted deployment whose pods were OOMKilled.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  closeDiagnostics,
  startDiagnostics,
  withDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { FakeKube, writeKubeconfig } from '../support/fake-kube.js';
import { closedPort } from '../support/http-fake.js';
import { pod } from '../support/kube-fixtures.js';

const NOW = new Date('2026-11-28T12:00:00Z');
const minutesAgo = (m: number) => new Date(NOW.getTime() - m * 60_000);
let fake: FakeKube;

beforeAll(async () => {
  fake = await FakeKube.start({
    pods: [
      pod({
        name: 'auth-service-7d9f8c6b5-q1w2e',
        app: 'auth-service',
        deployment: 'auth-service',
        createdAt: minutesAgo(3 * 24 * 60),
      }),
      pod({
        name: 'report-service-7d9f8c6b5-abc12',
        app: 'report-service',
        deployment: 'report-service',
        restarts: 4,
        lastTermination: { reason: 'OOMKilled', finishedAt: minutesAgo(12) },
        createdAt: minutesAgo(2 * 60),
      }),
      pod({
        name: 'report-service-7d9f8c6b5-def34',
        app: 'report-service',
        deployment: 'report-service',
        createdAt: minutesAgo(2 * 60),
      }),
      pod({
        name: 'export-worker-7d9f8c6b5-x9y8z',
        app: 'export-worker',
        deployment: 'export-worker',
        restarts: 7,
        waiting: 'CrashLoopBackOff',
        lastTermination: { reason: 'OOMKilled', finishedAt: minutesAgo(1) },
        createdAt: minutesAgo(30),
      }),
      pod({ name: 'coredns-1', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } }),
    ],
  });
});

afterAll(() => closeDiagnostics(fake));

/** A bot on the fake cluster, at NOW, for one test. */
const withBot = (story: (bot: DiagnosticsHarness) => Promise<void>) =>
  withDiagnostics(fake.env(), story, { now: () => NOW });

describe('k8s pods', () => {
  test('lists pods with status, restarts, last termination and age, the troubled ones first', () =>
    withBot(async (bot) => {
      const answer = await bot.run('k8s pods');
      expect(answer.to).toEqual(['channel']);
      expect(answer.text).toContain(
        '🔴 2 pods were OOMKilled (export-worker, report-service); 1 pod is not ready in namespace oatie.',
      );
      const rows = answer.text.split('\n').filter((l) => /-7d9f8c6b5-/.test(l));
      expect(rows[0]).toMatch(
        /^export-worker-7d9f8c6b5-x9y8z\s+CrashLoopBackOff\s+0\/1\s+7\s+OOMKilled \(exit 137\) 1m0s ago\s+30m0s$/,
      );
      expect(rows[1]).toMatch(
        /^report-service-7d9f8c6b5-abc12\s+Running\s+1\/1\s+4\s+OOMKilled \(exit 137\) 12m0s ago\s+2h0m$/,
      );
      expect(rows).toHaveLength(4);
      expect(answer.text).not.toContain('coredns');
      expect(answer.text).toContain('OOMKilled: a container went over its memory limit');
    }));

  test('offers to restart an allowlisted deployment whose pods were OOMKilled, and only that one', () =>
    withBot(async (bot) => {
      const answer = await bot.run('k8s pods');
      // export-worker was OOMKilled too, but the policy does not let fixes touch it.
      expect(answer.buttons.map((b) => b.label)).toEqual(['Restart report-service']);
      expect(await bot.payloadOf(answer.buttons[0]!)).toEqual({
        kind: 'fix.propose',
        payload: { command: 'k8s restart', args: { deployment: 'report-service' } },
      });
    }));

  test('--app selects pods by their app label, sent as a label selector', () =>
    withBot(async (bot) => {
      const answer = await bot.run('k8s pods --app auth-service');
      expect(fake.requests.at(-1)?.query.labelSelector).toBe('app=auth-service');
      expect(answer.text).toContain(
        '✅ All 1 pod in namespace oatie with app=auth-service are running and ready.',
      );
      expect(answer.buttons).toEqual([]);
      const none = await bot.run('k8s pods --app billing');
      expect(none.text).toContain('No pods in namespace oatie with app=billing.');
    }));

  test('an --app that is not a Kubernetes name is a usage error, and the cluster is not asked', () =>
    withDiagnostics(fake.env(), async (bot) => {
      const before = fake.requests.length;
      for (const bad of [
        '"report-service,env!=prod"',
        '"x\'; DROP TABLE pods; --"',
        '"$(rm -rf /)"',
        'Report_Service',
      ]) {
        const answer = await bot.run(`k8s pods --app ${bad}`);
        expect(answer.to).toEqual(['caller']);
        expect(answer.text).toContain('expected a Kubernetes name (lowercase letters, digits, -)');
        expect(answer.text).toContain('k8s pods [--app <name>]');
      }
      expect(fake.requests.length).toBe(before);
    }));

  test('without a cluster configured, says which variable to set', () =>
    withDiagnostics({}, async (bot) => {
      const answer = await bot.run('k8s pods');
      expect(answer.text).toContain(
        'Kubernetes is not configured: set KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true.',
      );
    }));

  test('a cluster that is down answers at once; one that hangs answers within the timeout', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8s-pods-'));
    const down = await writeKubeconfig(`http://127.0.0.1:${await closedPort()}`, dir);
    const refused = await startDiagnostics({ KUBECONFIG: down, OATIE_TARGET_TIMEOUT_MS: '300' });
    const silent = await startDiagnostics(fake.env({ OATIE_TARGET_TIMEOUT_MS: '300' }));
    try {
      const answer = await refused.run('k8s pods');
      expect(answer.text).toMatch(/🔌 The Kubernetes API at 127\.0\.0\.1:\d+ refused the connection/);
      fake.hang = true;
      const hung = await silent.run('k8s pods');
      expect(hung.text).toMatch(/⏱️ The Kubernetes API at 127\.0\.0\.1:\d+ did not answer within 0\.3 s\./);
    } finally {
      fake.hang = false;
      await refused.close();
      await silent.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
