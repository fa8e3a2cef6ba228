// SIGTERM to a real bot process in the middle of work: it stops taking requests at once, gives the
// work in hand a few seconds, records the fix that cannot finish (a restart whose rollout never
// completes) as interrupted — in the store, the audit log and on its card — and exits within 10 s.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { FakeKube } from '../support/fake-kube.js';
import { buttonOf, FakeSlack, textOf, whereOf } from '../support/fake-slack.js';
import { deployment, pod } from '../support/kube-fixtures.js';
import { startBot, type RunningBot } from '../support/run-bot.js';
import { buttonClickBody, postSigned, SIGNING_SECRET, slashCommandBody } from '../support/slack-signing.js';

const ALICE = 'U0ONCALL01';
const BOB = 'U0LEAD0001';
const READY = /"port":(\d+)[^\n]*"msg":"ready"/;

/** A bound, not a speed check: tsx compiles the bot as it starts, which takes long on a loaded machine. */
const READY_WITHIN_MS = 180_000;

function readyPort(bot: RunningBot): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in ${READY_WITHIN_MS} ms:\n${bot.stderr()}`)),
      READY_WITHIN_MS,
    );
    bot.child.stderr.on('data', () => {
      const match = READY.exec(bot.stderr());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    void bot.exited.then((run) => reject(new Error(`exited ${run.code}:\n${run.stderr}`)));
  });
}

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('SIGTERM to a bot with a fix running', () => {
  let store: TestDatabase;
  let slack: FakeSlack;
  let kube: FakeKube;

  beforeAll(async () => {
    store = await createTestDatabase('shutdown');
    slack = await FakeSlack.start();
    kube = await FakeKube.start({
      deployments: [deployment({ name: 'report-service', replicas: 2 })],
      pods: [pod({ name: 'report-service-1', app: 'report-service', deployment: 'report-service' })],
    });
  });
  afterAll(async () => {
    await Promise.allSettled([slack.stop(), kube.stop()]);
    await store.drop();
  });

  it('stops taking requests, records the fix as interrupted and exits on its own, before its deadline', async () => {
    const bot = startBot({
      ...kube.env(),
      LOG_LEVEL: 'info',
      PORT: '0',
      DATABASE_URL: store.url,
      SLACK_BOT_TOKEN: 'xoxb-shutdown-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.url,
      // The rollout never completes in the fake: the fix would watch it for two minutes.
      OATIE_ROLLOUT_WATCH_MS: '120000',
    });
    const events = `http://127.0.0.1:${await readyPort(bot)}/slack/events`;

    const asked = await postSigned(
      events,
      slashCommandBody({ text: 'k8s restart report-service', user_id: ALICE, channel_id: 'C0OPS' }),
    );
    expect(asked.status).toBe(200);
    const card = await slack.waitFor('chat.postMessage', (c) => textOf(c).includes('Approve'), 20_000);
    const { channel, ts } = whereOf(card);
    const approve = buttonOf(card, 'Approve').action_id;
    const click = buttonClickBody({
      user: BOB,
      channel,
      ts,
      actionId: approve,
      responseUrl: slack.responseUrl(),
    });
    expect((await postSigned(events, click)).status).toBe(200);
    // The patch went out: the fix is running, watching a rollout that will not finish.
    await until('the restart patch', () => kube.requests.some((r) => r.method === 'PATCH'));

    bot.child.kill('SIGTERM');
    await until('the shutdown to start', () => bot.stderr().includes('shutting down'));
    // No new request is taken.
    await expect(fetch(events.replace('/slack/events', '/livez'))).rejects.toThrow();
    // Exit 0 is the stop steps finishing: the bot's own 10-s deadline exits with 1 and says so. No
    // wall-clock bound here: on a loaded machine the process's start and exit take what they take.
    const run = await bot.exited;
    expect({ code: run.code, forced: run.stderr.includes('shutdown took too long') }).toEqual({
      code: 0,
      forced: false,
    });
    expect(run.stderr).toContain('fix interrupted by shutdown');

    const db = new pg.Client({ connectionString: store.url });
    await db.connect();
    try {
      const approvals = await db.query<{ state: string; result: string }>(
        'SELECT state, result FROM approvals',
      );
      expect(approvals.rows).toEqual([
        { state: 'failed', result: expect.stringMatching(/^Interrupted: the bot was stopped/) },
      ]);
      const audit = await db.query<{ event: string; outcome: string }>(
        "SELECT event, outcome FROM audit_log WHERE event = 'fix.failed'",
      );
      expect(audit.rows).toEqual([{ event: 'fix.failed', outcome: 'interrupted' }]);
      const running = await db.query("SELECT id FROM timers WHERE state = 'running'");
      expect(running.rows).toEqual([]);
    } finally {
      await db.end();
    }
    // The card says so too.
    expect(textOf(slack.current(card))).toContain('Interrupted');
  }, 90_000);
});
