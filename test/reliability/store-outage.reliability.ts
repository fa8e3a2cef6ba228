// The bot's own Postgres stopped for 20 seconds and started again (a private server: the shared one is
// never stopped). Meanwhile commands are acked and answered "store unavailable" and nothing crashes;
// afterwards commands work again and a timer that fell due during the outage runs once.
import { eventually } from '../support/incident-harness.js';
import { FakeSlack } from '../support/fake-slack.js';
import {
  canStartPrivatePostgres,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../support/private-postgres.js';
import { startSlackBot, type RunningSlackBot } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-signing.js';
import { openTestDb } from '../support/test-app.js';
import type { Db } from '../../src/store/db.js';

const OUTAGE_MS = 20_000;
const maybe = canStartPrivatePostgres() ? describe : describe.skip;

maybe('the bot’s store stopped for 20 s', () => {
  let pg: PrivatePostgres;
  let db: Db;
  let fake: FakeSlack;
  let slack: RunningSlackBot;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    pg = await startPrivatePostgres({});
    db = await openTestDb(pg.url);
    fake = await FakeSlack.start();
    slack = await startSlackBot({ fake, db });
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await slack.stop();
    await db.close();
    await fake.stop();
    await pg.stop();
  });

  async function oatie(text: string): Promise<{ status: number; answer: () => string | undefined }> {
    const responseUrl = fake.responseUrl();
    const id = responseUrl.slice(responseUrl.lastIndexOf('/') + 1);
    const ack = await postSigned(slack.eventsUrl, slashCommandBody({ text, response_url: responseUrl }));
    const answer = () => {
      const post = fake.responses.find((r) => r.id === id);
      if (post) return JSON.stringify(post.body);
      // Answers may also go through chat.postEphemeral; this command's are told apart by order only.
      return undefined;
    };
    return { status: ack.status, answer };
  }

  it('answers "store unavailable" meanwhile, and runs what fell due once afterwards', async () => {
    const { scheduler } = slack.bot.core;
    const fired: number[] = [];
    scheduler.on('test.outage', (timer) => {
      fired.push(timer.id);
      return Promise.resolve();
    });
    const before = await oatie('help');
    expect(before.status).toBe(200);
    await eventually(
      'an answer before the outage',
      () => before.answer() ?? fake.callsTo('chat.postEphemeral')[0],
    );

    const due = new Date(Date.now() + 3000);
    const timerId = await scheduler.schedule('test.outage', due);
    await pg.pause();
    const stoppedAt = Date.now();
    try {
      const during = await oatie('help');
      expect(during.status).toBe(200); // acked: the ack never waits for the store
      const told = await eventually('the caller told', during.answer);
      expect(told).toContain('store is unavailable');
      // Keep it down for the whole outage (the timer falls due meanwhile).
      await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + OUTAGE_MS - Date.now())));
      expect(fired).toEqual([]);
    } finally {
      await pg.resume();
    }

    await eventually('the timer that fell due during the outage', () =>
      fired.length > 0 ? true : undefined,
    );
    const after = await eventually('a command answered again', async () => {
      const again = await oatie('help');
      const text = await eventually(
        'its answer',
        () => again.answer() ?? (fake.callsTo('chat.postEphemeral').length > 1 ? 'posted' : undefined),
      );
      return text.includes('store is unavailable') ? undefined : text;
    });
    expect(after).not.toContain('store is unavailable');
    const runs = await db.query<{ state: string; attempts: number }>(
      'SELECT state, attempts FROM timers WHERE id = $1',
      [timerId],
    );
    expect(runs.rows).toEqual([{ state: 'done', attempts: 1 }]);
    expect(fired).toEqual([timerId]);
    expect(unhandled).toEqual([]);
  });
});
