// The Done-when of durable delivery, shortened: Slack answers HTTP 500 to every call from the moment
// `/oatie incident p1 …` is sent; the real bot process (`npm start` with Slack credentials, on
// Postgres) is killed with SIGKILL during the outage and started again, still during it. Once Slack
// recovers there is exactly one war room, one alert and one announcement, and the reminders keep the
// declaration's beat, each posted once.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { FakeSlack, textOf, type SlackCall } from '../support/fake-slack.js';
import { eventually, policyYaml, warRoomToday } from '../support/incident-harness.js';
import { readyPort, startBot, type RunningBot } from '../support/run-bot.js';
import { postSigned, SIGNING_SECRET, slashCommandBody } from '../support/slack-signing.js';
import { openTestDb } from '../support/test-app.js';

const INTERVAL_MS = 3000;

describe('kill -9 while Slack fails', () => {
  let database: TestDatabase;
  let db: Db;
  let dir: string;
  let fake: FakeSlack;
  let env: Record<string, string>;
  const bots: RunningBot[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('delivery_restart');
    db = await openTestDb(database.url);
    dir = await mkdtemp(join(tmpdir(), 'oatie-delivery-restart-'));
    await writeFile(
      join(dir, 'policy.yaml'),
      await policyYaml({ p1: { updateInterval: '3s', responseTime: '1h' } }),
    );
    fake = await FakeSlack.start();
    env = {
      DATABASE_URL: database.url,
      OATIE_POLICY_FILE: join(dir, 'policy.yaml'),
      LOG_LEVEL: 'info',
      PORT: '0',
      SLACK_BOT_TOKEN: 'xoxb-restart-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
    };
  });
  afterAll(async () => {
    for (const bot of bots) bot.child.kill('SIGKILL');
    await fake.stop();
    await db.close();
    await database.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const start = async (): Promise<{ bot: RunningBot; port: number }> => {
    const bot = startBot(env);
    bots.push(bot);
    return { bot, port: await readyPort(bot, 60_000) };
  };
  const attempts = async (): Promise<number> =>
    (await db.query<{ n: number }>('SELECT coalesce(sum(attempts), 0)::int AS n FROM outbox')).rows[0]?.n ??
    0;
  const posts = (channel: string, text: string): SlackCall[] =>
    fake.okCalls('chat.postMessage').filter((c) => c.params.channel === channel && textOf(c).includes(text));

  it('sends one war room, one alert, one announcement after recovery, and reminders on their beat', async () => {
    fake.fail(500);
    const first = await start();
    const answer = await postSigned(
      `http://127.0.0.1:${first.port}/slack/events`,
      slashCommandBody({
        text: 'incident p1 Payments are failing',
        user_id: 'U0ALICE',
        channel_id: 'C0OPS',
        response_url: fake.responseUrl(),
      }),
    );
    expect(answer.status).toBe(200);
    await fake.waitForResponse(
      (r) => JSON.stringify(r.body).includes('INC-1 declared. Slack is failing'),
      20_000,
    );
    await eventually('a retry by the first process', async () => (await attempts()) >= 2, 20_000);
    first.bot.child.kill('SIGKILL');
    await first.bot.exited;

    // Restarted while Slack still fails: it starts anyway (auth.test fails) and takes the steps over.
    const before = await attempts();
    const second = await start();
    expect(second.bot.stderr()).toContain('starting without verifying the token');
    await eventually('a retry by the restarted process', async () => (await attempts()) > before, 45_000);
    // A reminder falls due during the outage.
    await eventually(
      'a reminder due while Slack fails',
      async () => (await db.query("SELECT 1 FROM incident_events WHERE kind = 'reminder'")).rows.length > 0,
      20_000,
    );
    fake.recover();

    const name = warRoomToday('payments-are-failing');
    await eventually('the war room', () => fake.channels.get(name), 60_000);
    const room = fake.channels.get(name) ?? '';
    await eventually('the alert', () => posts(room, 'INCIDENT ALERT').length === 1, 60_000);
    await eventually('the announcement', () => posts('C0INCIDENTS', 'INC-1 declared').length === 1, 30_000);
    const firstReminders = posts(room, 'Reminder: INC-1').length;
    await eventually(
      'a reminder after recovery',
      () => posts(room, 'Reminder: INC-1').length > firstReminders,
      20_000,
    );

    await eventually(
      'nothing left to send',
      async () => (await db.query("SELECT 1 FROM outbox WHERE state = 'pending'")).rows.length === 0,
      30_000,
    );
    second.bot.child.kill('SIGTERM');
    expect((await second.bot.exited).code).toBe(0);
    expect(fake.okCalls('conversations.create')).toHaveLength(1);
    expect([...fake.channels.keys()].filter((n) => n.startsWith(name))).toEqual([name]);
    expect(posts(room, 'INCIDENT ALERT')).toHaveLength(1);
    expect(posts('C0INCIDENTS', 'INC-1 declared')).toHaveLength(1);
    const inRoom = fake.okCalls('chat.postMessage').filter((c) => c.params.channel === room);
    expect(textOf(inRoom[0] as SlackCall)).toContain('INCIDENT ALERT');
    // Each reminder is posted once, none twice; those that waited out the outage behind a newer one
    // were dropped, so a burst of stale reminders does not follow the recovery.
    const sent = await db.query(
      "SELECT 1 FROM outbox WHERE key LIKE 'incident:1:reminder:%' AND state = 'done' AND NOT result ? 'superseded'",
    );
    const reminders = posts(room, 'Reminder: INC-1');
    expect(reminders).toHaveLength(sent.rows.length);
    expect(new Set(reminders.map((c) => textOf(c))).size).toBe(reminders.length);
    const failed = await db.query("SELECT 1 FROM outbox WHERE state = 'failed'");
    expect(failed.rows).toHaveLength(0);
    // The reminder timers kept the beat of the declaration.
    const beats = await db.query<{ due_at: Date; started_at: Date }>(
      "SELECT t.due_at, i.started_at FROM timers t, incidents i WHERE t.kind = 'incident.reminder' AND i.id = 1",
    );
    for (const b of beats.rows) expect((b.due_at.getTime() - b.started_at.getTime()) % INTERVAL_MS).toBe(0);
  }, 240_000);
});
