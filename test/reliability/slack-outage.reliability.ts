// Slack answering 429 (with Retry-After) and then HTTP 500 for a while, against two real bot processes
// on one store: a P1 declared, updated and left unacknowledged during the outage (war room, topic,
// invitations, alert, announcement, direct messages, a status update, reminders and an escalation
// all fall due meanwhile), and an Alertmanager notification sent to both processes and repeated as
// Alertmanager does while it is refused. Once Slack recovers every message is delivered, each exactly
// once — counted per message at the fake — and nothing is left failed in the outbox.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { FakeSlack, textOf, type SlackCall } from '../support/fake-slack.js';
import { eventually, policyYaml, warRoomToday } from '../support/incident-harness.js';
import { ask, startSlackProcess, type SlackProcess } from '../support/slack-process.js';

const ALICE = 'U0ONCALL01';
const TOKEN = 'am-token-reliability-0123';
const ALERTS = 'C0ALERTS';

/** An Alertmanager notification (webhook version 4) for one firing group. */
const notification = {
  version: '4',
  groupKey: '{}:{alertname="ExportQueueBacklog"}',
  truncatedAlerts: 0,
  status: 'firing',
  receiver: 'oatie-ops',
  groupLabels: { alertname: 'ExportQueueBacklog' },
  commonLabels: { alertname: 'ExportQueueBacklog', severity: 'critical' },
  commonAnnotations: { summary: 'More than 500 exports waiting' },
  externalURL: 'https://alertmanager.oatie.example',
  alerts: [
    {
      status: 'firing',
      labels: { alertname: 'ExportQueueBacklog', severity: 'critical' },
      annotations: { summary: 'More than 500 exports waiting' },
      startsAt: '2026-12-01T14:00:00Z',
      endsAt: '0001-01-01T00:00:00Z',
      generatorURL: 'https://prometheus.oatie.example/graph',
      fingerprint: 'e1',
    },
  ],
};

describe('Slack answering 429 and 500 for a while', () => {
  let store: TestDatabase;
  let db: pg.Client;
  let dir: string;
  let fake: FakeSlack;
  let bots: SlackProcess[] = [];

  beforeAll(async () => {
    [store, fake] = await Promise.all([createTestDatabase('rel_slack_outage'), FakeSlack.start()]);
    dir = await mkdtemp(join(tmpdir(), 'oatie-slack-outage-'));
    await writeFile(
      join(dir, 'policy.yaml'),
      await policyYaml({ p1: { updateInterval: '3s', responseTime: '4s' } }),
    );
    const env = {
      DATABASE_URL: store.url,
      OATIE_POLICY_FILE: join(dir, 'policy.yaml'),
      ALERTMANAGER_TOKEN: TOKEN,
      OATIE_ALERTS_CHANNEL: ALERTS,
    };
    bots = [await startSlackProcess(fake, env)];
    bots.push(await startSlackProcess(fake, env));
    db = new pg.Client({ connectionString: store.url });
    await db.connect();
  });

  afterAll(async () => {
    const runs = await Promise.all(bots.map((b) => b.stop()));
    await db?.end();
    await fake?.stop();
    await store?.drop();
    await rm(dir, { recursive: true, force: true });
    expect(runs.map((r) => r.code)).toEqual(bots.map(() => 0));
  });

  const count = async (sql: string): Promise<number> =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM (${sql}) q`)).rows[0]?.n ?? 0;

  /** Alertmanager: sends the notification to every process until each has answered 200. */
  async function alertmanager(stop: { done: boolean }): Promise<number[]> {
    const statuses = new Map<number, number>();
    while (!stop.done && [...statuses.values()].filter((s) => s === 200).length < bots.length) {
      await Promise.all(
        bots.map(async (bot, i) => {
          if (statuses.get(i) === 200) return;
          const res = await fetch(`${bot.baseUrl}/webhooks/alertmanager`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
            body: JSON.stringify(notification),
            signal: AbortSignal.timeout(30_000),
          }).catch(() => undefined);
          if (res) {
            statuses.set(i, res.status);
            await res.arrayBuffer();
          }
        }),
      );
      await new Promise((r) => setTimeout(r, 1000));
    }
    return [...statuses.values()];
  }

  it('delivers every message exactly once after it recovers', async () => {
    fake.fail(429, { retryAfterSeconds: 2 });
    const alerting = { done: false };
    const alertsSent = alertmanager(alerting);
    try {
      await outageAndRecovery(alertsSent);
    } finally {
      alerting.done = true;
      fake.recover();
    }
  });

  async function outageAndRecovery(alertsSent: Promise<number[]>): Promise<void> {
    const declared = await ask(fake, bots[0] as SlackProcess, 'incident p1 Exports are failing', ALICE);
    expect(declared.ack.status).toBe(200);
    // The caller is told through the response_url (Web API calls fail) that delivery is delayed.
    expect(await declared.answer()).toContain('INC-1 declared');
    await eventually('a retry refused with 429', () => fake.calls.some((c) => c.status === 429));

    fake.fail(500);
    const update = await ask(
      fake,
      bots[1] as SlackProcess,
      'incident update INC-1 investigating Looking at the export queue',
      ALICE,
    );
    expect(update.ack.status).toBe(200);
    // Its answer to the caller is best effort; the update itself is in the store, its post in the outbox.
    await eventually(
      'the update recorded',
      async () => (await count("SELECT 1 FROM incident_events WHERE kind = 'update'")) > 0,
    );
    // A reminder and the escalation fall due while Slack still fails.
    await eventually(
      'a reminder and an escalation during the outage',
      async () =>
        (await count("SELECT 1 FROM incident_events WHERE kind = 'reminder'")) > 0 &&
        (await count("SELECT 1 FROM incident_events WHERE kind = 'escalation'")) > 0,
      60_000,
    );
    expect(await count("SELECT 1 FROM outbox WHERE state = 'pending'")).toBeGreaterThan(0);
    fake.recover();

    const room = await eventually('the war room', () =>
      fake.channels.get(warRoomToday('exports-are-failing')),
    );
    const statuses = await alertsSent;
    expect(statuses).toEqual([200, 200]);
    // Resolved once everything of the outage is out: reminders and escalations stop.
    await eventually(
      'the outage’s steps sent',
      async () => (await count("SELECT 1 FROM outbox WHERE state = 'pending'")) === 0,
      120_000,
    );
    const resolved = await ask(
      fake,
      bots[0] as SlackProcess,
      'incident resolve INC-1 The export worker was stuck',
      ALICE,
    );
    expect(resolved.ack.status).toBe(200);
    await eventually('the resolution', () => posted(room, 'The export worker was stuck').length > 0, 60_000);
    await eventually(
      'nothing left to send',
      async () => (await count("SELECT 1 FROM outbox WHERE state = 'pending'")) === 0,
      60_000,
    );

    // Each message once.
    expect(fake.okCalls('conversations.create')).toHaveLength(1);
    expect(posted(room, 'INCIDENT ALERT')).toHaveLength(1);
    expect(posted('C0INCIDENTS', 'INC-1 declared')).toHaveLength(1);
    expect(posted(room, 'Looking at the export queue')).toHaveLength(1);
    expect(posted(room, 'The export worker was stuck')).toHaveLength(1);
    expect(posted(ALERTS, 'FIRING')).toHaveLength(1);
    const sentReminders = await count(
      "SELECT 1 FROM outbox WHERE key LIKE 'incident:1:reminder:%' AND state = 'done' AND NOT result ? 'superseded'",
    );
    expect(posted(room, 'Reminder: INC-1')).toHaveLength(sentReminders);
    expect(sentReminders).toBeGreaterThan(0);
    const directMessages = fake
      .okCalls('chat.postMessage')
      .filter((c) => String(c.params.channel).startsWith('D'));
    // The team lead (a P1's contact besides the on-call, who declared it) and the escalation's
    // engineering manager, each told once (no message twice, below).
    expect(new Set(directMessages.map((c) => c.params.channel)).size).toBeGreaterThanOrEqual(2);
    // No message twice: every successful post is unique by channel and content.
    const seen = new Map<string, number>();
    for (const c of fake.okCalls('chat.postMessage')) {
      const key = `${String(c.params.channel)} ${textOf(c)}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect([...seen].filter(([, n]) => n > 1)).toEqual([]);
    expect(await count("SELECT 1 FROM outbox WHERE state = 'failed'")).toBe(0);
    for (const bot of bots) {
      expect(bot.bot.child.exitCode).toBeNull();
      expect(bot.bot.stderr()).not.toMatch(/UnhandledPromiseRejection|unhandledRejection|uncaughtException/);
    }
  }

  const posted = (channel: string, text: string): SlackCall[] =>
    fake.okCalls('chat.postMessage').filter((c) => c.params.channel === channel && textOf(c).includes(text));
});
