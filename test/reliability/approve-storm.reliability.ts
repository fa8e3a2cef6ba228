// Double-click storms on Approve across processes: three real bot processes on one store, the same
// Approve button clicked many times at once by several approvers (and by the requester), each click a
// correctly signed interaction sent to one of the processes, some of them delivered twice as Slack
// retries do. The fix runs exactly once — counted where it acts: one PATCH at the Kubernetes fake, one
// backend terminated — and every click hears what became of it: the winner sees the card change, the
// requester is refused (two-person rule), every other click is told "already approved … it runs once";
// a repeated delivery is acknowledged and ignored.
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { FakeKube } from '../support/fake-kube.js';
import { buttonOf, FakeSlack, textOf, whereOf, type SlackCall } from '../support/fake-slack.js';
import { eventually } from '../support/incident-harness.js';
import { deployment, pod } from '../support/kube-fixtures.js';
import { createOatieDatabase, startQuery, type OatieDatabase } from '../support/oatie-database.js';
import { ask, startSlackProcess, type SlackProcess } from '../support/slack-process.js';
import { buttonClickBody, postSigned } from '../support/slack-signing.js';
import pg from 'pg';

const PROCESSES = 3;
const CLICKS = 30;
const ALICE = 'U0ONCALL01';
const APPROVERS = ['U0LEAD0001', 'U0MANAGER1', 'U0TEAM0001'];

describe('double-click storms on Approve across processes', () => {
  let store: TestDatabase;
  let platform: OatieDatabase;
  let fake: FakeSlack;
  let kube: FakeKube;
  let bots: SlackProcess[] = [];
  let storeDb: pg.Client;
  let controller: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    [store, platform, fake] = await Promise.all([
      createTestDatabase('rel_storm_store'),
      createOatieDatabase('rel_storm_platform'),
      FakeSlack.start(),
    ]);
    kube = await FakeKube.start({
      deployments: [deployment({ name: 'report-service', replicas: 2 })],
      pods: [pod({ name: 'report-service-1', app: 'report-service', deployment: 'report-service' })],
    });
    // Plays the deployment controller: every rollout completes soon after its PATCH.
    controller = setInterval(() => kube.completeRollout('report-service'), 100);
    const env = { ...kube.env(), DATABASE_URL: store.url, OATIE_DATABASE_URL: platform.url };
    // The first one migrates the store; the others start beside each other on it.
    bots = [await startSlackProcess(fake, env)];
    bots.push(
      ...(await Promise.all(Array.from({ length: PROCESSES - 1 }, () => startSlackProcess(fake, env)))),
    );
    storeDb = new pg.Client({ connectionString: store.url });
    await storeDb.connect();
  });

  afterAll(async () => {
    clearInterval(controller);
    const runs = await Promise.all(bots.map((b) => b.stop()));
    await storeDb?.end();
    await Promise.allSettled([fake?.stop(), kube?.stop()]);
    await Promise.allSettled([store?.drop(), platform?.drop()]);
    expect(runs.map((r) => r.code)).toEqual(bots.map(() => 0));
  });

  /** Asks for a fix as alice through the first process and returns its approval card. */
  async function requestFix(text: string): Promise<SlackCall> {
    const asked = await ask(fake, bots[0] as SlackProcess, text, ALICE);
    expect(asked.ack.status).toBe(200);
    return fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === asked.channel && textOf(c).includes('Approve'),
      30_000,
    );
  }

  interface Click {
    user: string;
    status: number;
  }

  /**
   * Clicks Approve on `card` CLICKS times at once, round robin over the approvers, the requester and
   * the processes; every third click is delivered again (same body and signature) to the next process.
   */
  async function storm(card: SlackCall): Promise<Click[]> {
    const { channel, ts } = whereOf(card);
    const actionId = buttonOf(card, 'Approve').action_id;
    const clickers = [...APPROVERS, ALICE];
    const message = { text: card.params.text, blocks: card.params.blocks };
    const timestamp = Math.floor(Date.now() / 1000);
    const sends = Array.from({ length: CLICKS }, async (_, i): Promise<Click> => {
      const user = clickers[i % clickers.length] ?? ALICE;
      const body = buttonClickBody({
        user,
        channel,
        ts,
        actionId,
        responseUrl: fake.responseUrl(),
        trigger: `${i}.storm.trigger`,
        message,
      });
      const to = (k: number) => (bots[(i + k) % bots.length] as SlackProcess).eventsUrl;
      const [first, again] = await Promise.all([
        postSigned(to(0), body, { timestamp }),
        i % 3 === 0
          ? postSigned(to(1), body, { timestamp, headers: { 'x-slack-retry-num': '1' } })
          : undefined,
      ]);
      expect(again?.status ?? 200).toBe(200);
      return { user, status: first.status };
    });
    return Promise.all(sends);
  }

  /** What each clicker was told privately in `channel` since `since` (ephemerals and response_url posts). */
  function privateAnswers(channel: string, since: { calls: number; responses: number }): string[] {
    const ephemerals = fake.calls
      .slice(since.calls)
      .filter((c) => c.method === 'chat.postEphemeral' && c.params.channel === channel && c.status === 200)
      .map((c) => `${String(c.params.user)}: ${textOf(c)}`);
    const posts = fake.responses.slice(since.responses).map((r) => `response_url: ${JSON.stringify(r.body)}`);
    return [...ephemerals, ...posts];
  }

  const audited = async (approvalId: number) =>
    (
      await storeDb.query<{ event: string; outcome: string; n: number }>(
        `SELECT event, outcome, count(*)::int AS n FROM audit_log
          WHERE detail->>'approvalId' = $1::text
          GROUP BY event, outcome ORDER BY event, outcome`,
        [approvalId],
      )
    ).rows;

  /** Runs the storm on `card` and checks what every click heard; returns the approver who won. */
  async function stormAndCheck(card: SlackCall): Promise<string> {
    const { channel } = whereOf(card);
    const since = { calls: fake.calls.length, responses: fake.responses.length };
    const clicks = await storm(card);
    expect(clicks.filter((c) => c.status !== 200)).toEqual([]);
    const done = await eventually(
      'the card to show the fix done',
      () => {
        const shown = textOf(fake.current(card));
        return shown.includes('Fix done') || shown.includes('Fix failed') ? shown : undefined;
      },
      60_000,
    );
    expect(done).toContain('Fix done');
    const winner = /Approved by <@(U0\w+)>/.exec(done)?.[1] ?? '';
    expect(APPROVERS).toContain(winner);
    // Every click but the winner's hears privately what became of the request: one answer each.
    const expected = CLICKS - 1;
    const answers = await eventually(
      'an answer to every click',
      () => {
        const all = privateAnswers(channel, since);
        return all.length >= expected ? all : undefined;
      },
      60_000,
    );
    expect(answers).toHaveLength(expected);
    const requesterClicks = clicks.filter((c) => c.user === ALICE).length;
    const refused = answers.filter((a) => a.includes('You cannot approve this: you requested this fix'));
    const already = answers.filter((a) =>
      new RegExp(`Already approved by <@${winner}>(; it is running now| and run \\(succeeded\\))`).test(a),
    );
    expect({ refused: refused.length, already: already.length }).toEqual({
      refused: requesterClicks,
      already: expected - requesterClicks,
    });
    return winner;
  }

  it('a restart runs once: one PATCH at the Kubernetes API, every click answered', async () => {
    const card = await requestFix('k8s restart report-service');
    const patchesBefore = kube.requests.filter((r) => r.method === 'PATCH').length;
    await stormAndCheck(card);
    expect(kube.requests.filter((r) => r.method === 'PATCH').length - patchesBefore).toBe(1);
  });

  it('a terminate runs once: the backend terminated once, every click answered', async () => {
    const victim = await startQuery(platform, 'report-service', 'SELECT pg_sleep(600)');
    const card = await requestFix(`db terminate ${victim.pid}`);
    await stormAndCheck(card);
    const ended = await victim.done;
    expect(String(ended)).toContain('terminat');
    expect(textOf(fake.current(card))).toContain(`Backend ${victim.pid} terminated.`);
    await victim.client.end().catch(() => undefined);
  });

  it('each fix ran once in the store and the audit log, and no process crashed', async () => {
    const approvals = await storeDb.query<{ id: number; state: string }>(
      'SELECT id, state FROM approvals ORDER BY id',
    );
    expect(approvals.rows.map((a) => a.state)).toEqual(['succeeded', 'succeeded']);
    for (const { id } of approvals.rows) {
      // Audit writes are batched: wait for every click's row.
      const counts = await eventually('every click audited', async () => {
        const events = await audited(id);
        const count = (event: string) => events.filter((e) => e.event === event).reduce((n, e) => n + e.n, 0);
        const seen = {
          approved: count('fix.approved'),
          executed: count('fix.executed'),
          refused: count('fix.refused'),
        };
        return seen.approved + seen.refused >= CLICKS ? seen : undefined;
      });
      expect(counts).toEqual({ approved: 1, executed: 1, refused: CLICKS - 1 });
    }
    for (const bot of bots) {
      expect(bot.bot.child.exitCode).toBeNull();
      expect(bot.bot.stderr()).not.toMatch(/UnhandledPromiseRejection|unhandledRejection|uncaughtException/);
    }
  });
});
