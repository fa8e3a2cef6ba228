// `k8s restart` and `k8s set-memory` against the fake Kubernetes API (the real client library talks
// HTTP to it): the exact PATCH body, its merge type, the rollout watched to done or stuck, and the
// allowlist and bounds that keep anything from being sent.
import { FakeKube } from '../support/fake-kube.js';
import { startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import { deployment, type Json } from '../support/kube-fixtures.js';

let kube: FakeKube;
let story: FixStory;
let bot: FixHarness;
const NOW = new Date('2026-11-28T14:30:00.000Z');

const patches = () => kube.requests.filter((r) => r.method === 'PATCH');

function deploymentNamed(name: string): Json {
  const found = kube.fixtures.deployments.find((o) => (o.metadata as { name: string }).name === name);
  if (!found) throw new Error(`no deployment ${name} in the fake`);
  return found;
}

/** Plays the deployment controller for one deployment: it catches up with its latest generation. */
function rollOut(name: string, outcome: 'done' | 'stuck'): void {
  const d = kube.fixtures.deployments.find((o) => (o.metadata as { name: string }).name === name);
  if (!d) return;
  const generation = (d.metadata as { generation: number }).generation;
  const replicas = (d.spec as { replicas: number }).replicas;
  d.status =
    outcome === 'done'
      ? {
          observedGeneration: generation,
          replicas,
          updatedReplicas: replicas,
          readyReplicas: replicas,
          availableReplicas: replicas,
          conditions: [],
        }
      : {
          observedGeneration: generation,
          replicas,
          updatedReplicas: 1,
          readyReplicas: 1,
          availableReplicas: 1,
          unavailableReplicas: replicas - 1,
          conditions: [
            {
              type: 'Progressing',
              status: 'False',
              reason: 'ProgressDeadlineExceeded',
              message: `ReplicaSet "${name}-5d" has timed out progressing.`,
            },
          ],
        };
}

/** Presses Approve as `approver` while the controller rolls `name` out to `outcome`. */
async function approveDuringRollout(
  approve: string,
  approver: string,
  name: string,
  outcome: 'done' | 'stuck',
): Promise<void> {
  const controller = setInterval(() => rollOut(name, outcome), 100);
  try {
    await bot.press(approve, approver);
  } finally {
    clearInterval(controller);
  }
}

beforeAll(async () => {
  kube = await FakeKube.start({
    deployments: [
      deployment({
        name: 'report-service',
        replicas: 2,
        requests: { memory: '512Mi' },
        limits: { memory: '1Gi' },
      }),
      deployment({ name: 'coredns', namespace: 'kube-system', replicas: 2 }),
      deployment({ name: 'billing', replicas: 1 }),
    ],
  });
  story = await startFixStory({ env: kube.env({ OATIE_ROLLOUT_WATCH_MS: '1500' }), now: () => NOW });
  ({ bot } = story);
});

afterAll(async () => {
  await story.close();
  await kube.stop();
});

beforeEach(() => {
  kube.requests.length = 0;
});

describe('k8s restart', () => {
  it('sends the restartedAt patch once approved and reports the finished rollout', async () => {
    await bot.type('k8s restart report-service', 'alice');
    const card = bot.lastCard();
    const body =
      '{"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2026-11-28T14:30:00.000Z"}}}}}';
    expect(bot.cardText(card)).toContain(
      `PATCH deployment oatie/report-service (strategic merge)\n    ${body}`,
    );
    expect(patches()).toEqual([]);

    await approveDuringRollout(card.approve, 'bob', 'report-service', 'done');
    expect(patches()).toHaveLength(1);
    expect(patches()[0]).toMatchObject({
      path: '/apis/apps/v1/namespaces/oatie/deployments/report-service',
      body,
    });
    expect(patches()[0]?.headers['content-type']).toBe('application/strategic-merge-patch+json');
    const after = bot.cardText(card);
    expect(after).toContain('oatie/report-service restarted; the rollout is done.');
    expect(after).toMatch(/rollout done in \d+ ms: 2\/2 updated, 2 available/);
  });

  it('restarts coredns in the namespace the allowlist gives it, and reports a stuck rollout', async () => {
    await bot.type('k8s restart coredns', 'alice');
    const card = bot.lastCard();
    await approveDuringRollout(card.approve, 'bob', 'coredns', 'stuck');
    expect(patches()[0]?.path).toBe('/apis/apps/v1/namespaces/kube-system/deployments/coredns');
    const after = bot.cardText(card);
    expect(after).toContain('❌ Fix failed: k8s restart');
    expect(after).toContain(
      'The restart of kube-system/coredns was applied, but the rollout is not done: rollout stuck after',
    );
    expect(after).toContain('ProgressDeadlineExceeded: ReplicaSet "coredns-5d" has timed out progressing.');
  });

  it('refuses a deployment off the allowlist without sending anything', async () => {
    expect(await bot.refused('k8s restart billing')).toContain(
      'billing is not on the allowlist of deployments fixes may touch',
    );
    expect(await bot.refused('k8s restart ../../secrets')).toContain('expected a Kubernetes name');
    expect(kube.requests).toEqual([]);
  });

  it('runs nothing when someone else restarted the deployment since the plan', async () => {
    await bot.type('k8s restart report-service', 'alice');
    const card = bot.lastCard();
    // `kubectl rollout restart` meanwhile: a new restartedAt in the template, so a new generation.
    const d = deploymentNamed('report-service');
    const template = (d.spec as { template: { metadata: { annotations: Record<string, string> } } }).template;
    template.metadata.annotations['kubectl.kubernetes.io/restartedAt'] = '2026-11-28T14:31:07Z';
    (d.metadata as { generation: number }).generation += 1;
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain(
      'Nothing ran: the deployment was restarted or replaced since the plan: restarted at 2026-11-28T14:31:07Z',
    );
    expect(patches()).toEqual([]);
  });

  it('runs nothing when the deployment was deleted and created again since the plan', async () => {
    await bot.type('k8s restart report-service', 'alice');
    const card = bot.lastCard();
    const old = deploymentNamed('report-service');
    // Same name, same spec, a new object: the API server gives it a new uid.
    const replaced = structuredClone(old);
    (replaced.metadata as { uid?: string }).uid = 'a3c1f0d2-0000-4000-8000-00000000beef';
    kube.fixtures.deployments = kube.fixtures.deployments.map((o) => (o === old ? replaced : o));
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain(
      'Nothing ran: the deployment was restarted or replaced since the plan: oatie/report-service is a new object (its uid changed).',
    );
    expect(patches()).toEqual([]);
  });
});

describe('k8s set-memory', () => {
  it('patches the container’s memory limit with a strategic merge, exactly as shown', async () => {
    await bot.type('k8s set-memory report-service 2Gi', 'alice');
    const card = bot.lastCard();
    const body =
      '{"spec":{"template":{"spec":{"containers":[{"name":"report-service","resources":{"limits":{"memory":"2Gi"}}}]}}}}';
    expect(bot.cardText(card)).toContain(body);
    expect(bot.cardText(card)).toContain('from 1Gi to 2Gi');
    await approveDuringRollout(card.approve, 'carol', 'report-service', 'done');
    expect(patches().map((p) => [p.body, p.headers['content-type']])).toEqual([
      [body, 'application/strategic-merge-patch+json'],
    ]);
    expect(bot.cardText(card)).toContain(
      'oatie/report-service now runs with the memory limit 2Gi; the rollout is done.',
    );
    const container = (
      (kube.fixtures.deployments[0]?.spec as Json).template as { spec: { containers: Json[] } }
    ).spec.containers[0];
    expect(container).toMatchObject({
      name: 'report-service',
      resources: { limits: { memory: '2Gi' }, requests: { memory: '512Mi' } },
    });
  });

  it('refuses limits beyond the policy bound, below the request, or not a quantity, without sending anything', async () => {
    expect(await bot.refused('k8s set-memory report-service 8Gi')).toContain(
      'The memory limit must be at most 4Gi (policy kubernetes.maxMemoryLimit).',
    );
    expect(await bot.refused('k8s set-memory report-service 999Ti')).toContain(
      'expected a memory limit such as 512Mi or 2Gi',
    );
    expect(await bot.refused('k8s set-memory report-service 256Mi')).toContain(
      "256Mi is below the container's memory request (512Mi)",
    );
    expect(await bot.refused('k8s set-memory report-service 2Gi')).toContain(
      'already has the memory limit 2Gi',
    );
    expect(await bot.refused('k8s set-memory billing 1Gi')).toContain('billing is not on the allowlist');
    expect(patches()).toEqual([]);
  });

  it('runs nothing when the limit was changed by someone else since the request', async () => {
    await bot.type('k8s set-memory report-service 3Gi', 'alice');
    const card = bot.lastCard();
    const spec = (kube.fixtures.deployments[0]?.spec as Json).template as {
      spec: { containers: Array<{ resources: { limits: Json } }> };
    };
    const [first] = spec.spec.containers;
    if (first) first.resources.limits.memory = '2500Mi';
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain(
      'Nothing ran: the memory limit changed to 2500Mi since the request.',
    );
    expect(patches()).toEqual([]);
  });
  it('runs nothing on a deployment deleted and created again (new uid, new image) since the request', async () => {
    await bot.type('k8s set-memory report-service 3Gi', 'alice');
    const card = bot.lastCard();
    expect(bot.cardText(card)).toMatch(
      /Runs only if: oatie\/report-service is still the same object \(uid [\w-]+\) at generation \d+/,
    );
    const old = deploymentNamed('report-service');
    const replaced = structuredClone(old);
    (replaced.metadata as { uid?: string }).uid = 'b7d2e1f3-0000-4000-8000-00000000cafe';
    const spec = (replaced.spec as Json).template as { spec: { containers: Array<{ image?: string }> } };
    for (const c of spec.spec.containers) c.image = 'registry.example/someone-else:latest';
    kube.fixtures.deployments = kube.fixtures.deployments.map((o) => (o === old ? replaced : o));
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain(
      'Nothing ran: the deployment was replaced since the plan: oatie/report-service is a new object (its uid changed).',
    );
    expect(patches()).toEqual([]);
    const failed = (await bot.fixEvents()).filter((e) => e.event === 'fix.failed').at(-1);
    expect(failed?.detail).toMatchObject({ reason: expect.stringContaining('its uid changed') as unknown });
  });

  it('runs nothing when the spec changed (a new generation) since the request', async () => {
    await bot.type('k8s set-memory report-service 3Gi', 'alice');
    const card = bot.lastCard();
    (deploymentNamed('report-service').metadata as { generation: number }).generation += 1;
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toMatch(
      /Nothing ran: the deployment changed since the plan: its spec changed \(generation \d+ → \d+\)/,
    );
    expect(patches()).toEqual([]);
  });

  it('sets the request with the limit, through the same approval, and says so on the card', async () => {
    await bot.type('k8s set-memory report-service 3Gi --request 1Gi', 'alice');
    const card = bot.lastCard();
    const body =
      '{"spec":{"template":{"spec":{"containers":[{"name":"report-service","resources":{"limits":{"memory":"3Gi"},"requests":{"memory":"1Gi"}}}]}}}}';
    expect(bot.cardText(card)).toContain(body);
    expect(bot.cardText(card)).toMatch(/to 3Gi, and its request from 512Mi to 1Gi, then watch the rollout/);
    expect(patches()).toEqual([]);
    await approveDuringRollout(card.approve, 'carol', 'report-service', 'done');
    expect(patches().map((p) => p.body)).toEqual([body]);
    expect(bot.cardText(card)).toContain(
      'oatie/report-service now runs with the memory limit 3Gi and the request 1Gi; the rollout is done.',
    );
  });

  it('refuses a request above the limit; a limit below the request names --request', async () => {
    expect(await bot.refused('k8s set-memory report-service 1Gi --request 2Gi')).toContain(
      'The memory request 2Gi is above the limit 1Gi; a request cannot be higher than the limit.',
    );
    expect(await bot.refused('k8s set-memory report-service 512Mi')).toContain(
      "512Mi is below the container's memory request (1Gi); a limit cannot be lower than the request. Lower the request too: `--request <size>`.",
    );
    expect(await bot.refused('k8s set-memory report-service 3Gi --request 1Gi')).toContain(
      'already has the memory limit 3Gi and the request 1Gi',
    );
    expect(await bot.refused('k8s set-memory report-service 3Gi --request lots')).toContain(
      'expected a memory request such as 256Mi or 1Gi',
    );
    expect(patches()).toEqual([]);
  });

  it('runs nothing when the request was changed by someone else since the plan', async () => {
    await bot.type('k8s set-memory report-service 512Mi --request 256Mi', 'alice');
    const card = bot.lastCard();
    const spec = (deploymentNamed('report-service').spec as Json).template as {
      spec: { containers: Array<{ resources: { requests: Json } }> };
    };
    const [first] = spec.spec.containers;
    if (first) first.resources.requests.memory = '700Mi';
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain('Nothing ran: the memory request changed to 700Mi since the plan.');
    expect(patches()).toEqual([]);
  });

  it('refuses a limit below the policy floor (128Mi by default)', async () => {
    expect(await bot.refused('k8s set-memory report-service 64Mi')).toContain(
      'The memory limit must be at least 128Mi (policy kubernetes.minMemoryLimit).',
    );
    expect(patches()).toEqual([]);
  });
});
