// Item 3 of issue 17 as a real try: the policy file is swapped between the request and the approval —
// two instances of the bot on one store, the first with yesterday's policy, the second with today's.
// Approval re-derives the risk and every bound from the policy in force and refuses what tightened.
import { FakeKube } from '../support/fake-kube.js';
import { startFixHarness, startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import { deployment } from '../support/kube-fixtures.js';
import { policyWith } from '../support/test-app.js';
import type { Db } from '../../src/store/db.js';

let kube: FakeKube;
let story: FixStory;
/** The replica started after the policy file changed, on the same store and targets. */
let today: FixHarness;
let todayStore: Db;

const patches = () => kube.requests.filter((r) => r.method === 'PATCH');

beforeAll(async () => {
  kube = await FakeKube.start({
    deployments: [
      deployment({
        name: 'report-service',
        replicas: 1,
        requests: { memory: '512Mi' },
        limits: { memory: '1Gi' },
      }),
    ],
  });
  story = await startFixStory({ oatie: 'policychange', env: kube.env({ OATIE_ROLLOUT_WATCH_MS: '1500' }) });
  const tightened = await policyWith((yaml) =>
    yaml
      .replace('db vacuum: low', 'db vacuum: high')
      .replace('maxMemoryLimit: 4Gi', 'maxMemoryLimit: 1500Mi'),
  );
  todayStore = await story.openStore();
  today = await startFixHarness({ db: todayStore, env: story.env, policy: tightened });
});

afterAll(async () => {
  await today.close();
  await todayStore.close();
  await story.close();
  await kube.stop();
});

describe('a request approved after the policy tightened', () => {
  it('a fix requested as low risk that is now high risk is refused, whoever approves, and says why', async () => {
    await story.bot.type('db vacuum reports', 'alice');
    const card = story.bot.lastCard();
    expect(story.bot.cardText(card)).toContain('Risk: low');
    for (const approver of ['dave', 'bob']) {
      const outcome = await today.press(card.approve, approver);
      const said = JSON.stringify(outcome);
      expect(said).toContain('the policy changed since the request: db vacuum is now high risk');
      expect(said).toContain('it was low when requested');
    }
    expect((await today.approvals()).at(-1)?.state).toBe('pending');
    const refusals = (await today.fixEvents()).filter((e) => e.event === 'fix.refused');
    expect(refusals).toHaveLength(2);
    expect(refusals[0]?.detail).toMatchObject({ stage: 'approve' });
  });

  it('a memory limit allowed under yesterday’s ceiling is not patched under today’s', async () => {
    await story.bot.type('k8s set-memory report-service 2Gi', 'alice');
    const card = story.bot.lastCard();
    await today.press(card.approve, 'bob');
    expect(today.cardText(card)).toContain(
      'Nothing ran: planned again under the policy in force, it is refused: The memory limit must be at most 1500Mi (policy kubernetes.maxMemoryLimit).',
    );
    expect(patches()).toEqual([]);
    const failed = (await today.fixEvents()).filter((e) => e.event === 'fix.failed').at(-1);
    expect(failed?.detail).toMatchObject({ reason: expect.stringContaining('at most 1500Mi') as unknown });
  });

  it('the same request approved under an unchanged policy still runs', async () => {
    await story.bot.type('k8s set-memory report-service 1200Mi', 'alice');
    const card = story.bot.lastCard();
    const rollout = setInterval(() => kube.completeRollout('report-service'), 50);
    try {
      await today.press(card.approve, 'bob');
    } finally {
      clearInterval(rollout);
    }
    expect(patches()).toHaveLength(1);
    expect(today.cardText(card)).toContain('now runs with the memory limit 1200Mi');
  });
});
