// The Kubernetes adapter against a fake API server that speaks the real REST protocol: what it sends
// (paths, selectors, patch bodies and content types), what it reads back, and how it fails.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '../../src/core/errors.js';
import { openKubeTarget } from '../../src/targets/kube.js';
import type { KubeTarget } from '../../src/targets/targets.js';
import { failure } from '../support/call-failure.js';
import { FakeKube, writeKubeconfig } from '../support/fake-kube.js';
import { ANSWER_TIMEOUT_MS, closedPort } from '../support/http-fake.js';
import { deployment, event, pod } from '../support/kube-fixtures.js';

/** Where the fake is silent: the timeout is what is tested (see ANSWER_TIMEOUT_MS). */
const SILENT_TIMEOUT_MS = 300;
let fake: FakeKube;
let kube: KubeTarget;
let dir: string;

const settings = (kubeconfig: string, timeoutMs = ANSWER_TIMEOUT_MS) => ({
  inCluster: false,
  kubeconfig,
  namespace: 'oatie',
  timeoutMs,
});

beforeAll(async () => {
  fake = await FakeKube.start({
    pods: [
      pod({
        name: 'report-service-7d9f8c6b5-abc12',
        app: 'report-service',
        deployment: 'report-service',
        restarts: 3,
        lastTermination: { reason: 'OOMKilled' },
      }),
      pod({ name: 'auth-service-7d9f8c6b5-zzz99', app: 'auth-service', deployment: 'auth-service' }),
    ],
    deployments: [
      deployment({ name: 'report-service', replicas: 2, limits: { memory: '1Gi' }, generation: 4 }),
    ],
    events: [
      event({
        pod: 'report-service-7d9f8c6b5-abc12',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        type: 'Warning',
      }),
      event({ pod: 'auth-service-7d9f8c6b5-zzz99', reason: 'Pulled', message: 'Container image pulled' }),
    ],
  });
  kube = await openKubeTarget(settings(fake.kubeconfig));
  dir = await mkdtemp(join(tmpdir(), 'kube-test-'));
});

afterAll(async () => {
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('reading the cluster', () => {
  test('pods come back as plain data, with their deployment and last termination', async () => {
    const pods = await kube.listPods({
      selector: { matchLabels: { app: 'report-service' }, matchExpressions: [] },
    });
    expect(pods.map((p) => p.name)).toEqual(['report-service-7d9f8c6b5-abc12']);
    expect(pods[0]?.deployment).toBe('report-service');
    expect(pods[0]?.statuses[0]?.lastTermination).toMatchObject({ reason: 'OOMKilled', exitCode: 137 });
    const sent = fake.requests.at(-1)!;
    expect(sent.path).toBe('/api/v1/namespaces/oatie/pods');
    expect(sent.query.labelSelector).toBe('app=report-service');
    expect(sent.headers.authorization).toBe('Bearer fake-kube-token');
  });

  test('set-based selectors are written in the API syntax', async () => {
    await kube.listPods({
      selector: {
        matchLabels: { tier: 'api' },
        matchExpressions: [
          { key: 'app', operator: 'In', values: ['a', 'b'] },
          { key: 'canary', operator: 'DoesNotExist', values: [] },
        ],
      },
    });
    expect(fake.requests.at(-1)?.query.labelSelector).toBe('tier=api,app in (a,b),!canary');
  });

  test('a selector value that would add a requirement is refused before any request', async () => {
    const before = fake.requests.length;
    const error = await failure(() =>
      kube.listPods({ selector: { matchLabels: { app: 'x,env!=prod' }, matchExpressions: [] } }),
    );
    expect(error.code).toBe(ErrorCode.BadArgument);
    expect(fake.requests.length).toBe(before);
  });

  test('a missing pod is undefined; a name that is not a DNS label never reaches the API', async () => {
    expect(await kube.getPod('nope')).toBeUndefined();
    const before = fake.requests.length;
    expect((await failure(() => kube.getPod('../nodes'))).code).toBe(ErrorCode.BadArgument);
    expect(fake.requests.length).toBe(before);
  });

  test('events are selected by the pod they are about', async () => {
    const events = await kube.podEvents('report-service-7d9f8c6b5-abc12');
    expect(events.map((e) => e.reason)).toEqual(['BackOff']);
    expect(fake.requests.at(-1)?.query.fieldSelector).toBe(
      'involvedObject.kind=Pod,involvedObject.name=report-service-7d9f8c6b5-abc12',
    );
  });

  test('a deployment shows its containers, resources, replicas and rollout status', async () => {
    const d = await kube.getDeployment('report-service');
    expect(d).toMatchObject({
      name: 'report-service',
      generation: 4,
      replicas: 2,
      selector: { matchLabels: { app: 'report-service' }, matchExpressions: [] },
      containers: [{ name: 'report-service', limits: { memory: '1Gi' } }],
      status: { observedGeneration: 4, updatedReplicas: 2, availableReplicas: 2 },
    });
    expect(d?.status.conditions.map((c) => c.type)).toEqual(['Available', 'Progressing']);
    expect(await kube.getDeployment('missing')).toBeUndefined();
  });
});

describe('patching a deployment', () => {
  test('a strategic merge patch is sent with its content type and merged by container name', async () => {
    const patch = {
      spec: {
        template: {
          spec: { containers: [{ name: 'report-service', resources: { limits: { memory: '2Gi' } } }] },
        },
      },
    };
    const d = await kube.patchDeployment('report-service', patch, { strategy: 'strategic-merge' });
    const sent = fake.requests.at(-1)!;
    expect(sent.method).toBe('PATCH');
    expect(sent.path).toBe('/apis/apps/v1/namespaces/oatie/deployments/report-service');
    expect(sent.headers['content-type']).toBe('application/strategic-merge-patch+json');
    expect(JSON.parse(sent.body)).toEqual(patch);
    expect(d.containers[0]).toMatchObject({
      name: 'report-service',
      image: 'registry.oatie.ai/report-service:1.4.2',
      limits: { memory: '2Gi' },
    });
    expect(d.generation).toBe(5);
    // The rollout is pending until the controller (here, the test) catches up.
    expect(d.status.observedGeneration).toBe(4);
    fake.completeRollout('report-service');
    expect((await kube.getDeployment('report-service'))?.status).toMatchObject({
      observedGeneration: 5,
      updatedReplicas: 2,
      availableReplicas: 2,
    });
  });

  test('a merge patch says so', async () => {
    const patch = {
      spec: {
        template: {
          metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-11-28T10:00:00Z' } },
        },
      },
    };
    const d = await kube.patchDeployment('report-service', patch, { strategy: 'merge' });
    expect(fake.requests.at(-1)?.headers['content-type']).toBe('application/merge-patch+json');
    expect(d.templateAnnotations['kubectl.kubernetes.io/restartedAt']).toBe('2026-11-28T10:00:00Z');
  });
});

describe('failures', () => {
  test('a closed port is "refused", at once', async () => {
    const target = await openKubeTarget(
      settings(await writeKubeconfig(`http://127.0.0.1:${await closedPort()}`, dir)),
    );
    const error = await failure(() => target.listPods());
    expect(error.code).toBe(ErrorCode.TargetDown);
    expect(error.message).toMatch(/^The Kubernetes API at 127\.0\.0\.1:\d+ refused the connection/);
  });

  test('a server that never answers times out within OATIE_TARGET_TIMEOUT_MS', async () => {
    const impatient = await openKubeTarget(settings(fake.kubeconfig, SILENT_TIMEOUT_MS));
    fake.hang = true;
    try {
      const error = await failure(() => impatient.ping());
      expect(error.code).toBe(ErrorCode.Timeout);
      expect(error.message).toContain('did not answer within 0.3 s');
    } finally {
      fake.hang = false;
    }
  });

  test('401 and 403 say the credentials are the problem; the body is never shown', async () => {
    for (const [status, words] of [
      [401, 'rejected the credentials (401 Unauthorized)'],
      [403, 'refused the request (403 Forbidden)'],
    ] as const) {
      fake.failWith = status;
      const error = await failure(() => kube.listPods());
      expect(error.code).toBe(ErrorCode.TargetDown);
      expect(error.message).toContain(words);
      expect(error.message).not.toContain('Body');
    }
    fake.failWith = undefined;
  });

  test('no metrics API is "not available", with the likely cause', async () => {
    fake.fixtures.metricsAvailable = false;
    const error = await failure(() => kube.podUsage());
    fake.fixtures.metricsAvailable = true;
    expect(error.code).toBe(ErrorCode.NotAvailable);
    expect(error.message).toContain('is metrics-server installed?');
  });

  test('a kubeconfig that cannot be read is named at start-up', async () => {
    await expect(openKubeTarget(settings(join(dir, 'missing.yaml')))).rejects.toThrow(
      /cannot load the Kubernetes configuration from KUBECONFIG/,
    );
  });
});
