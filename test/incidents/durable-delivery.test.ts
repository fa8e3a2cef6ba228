// Durable delivery through the real Slack adapter and a fake Slack Web API that fails on purpose:
// the incident is stored first and the caller told plainly; once Slack answers again there is exactly
// one war room, one alert, one announcement, in order, and reminders keep their beat; the
// triage of the declaration follows its war room; a channel
// creation whose answer was lost is found, not made twice; a step past its retry window is marked
// failed, audited and reported in the incidents channel once Slack answers. On-call is paged while
// Slack is down.
import { parsePolicy, type Policy } from '../../src/config/policy.js';
import { FakePagerDuty } from '../support/fake-pagerduty.js';
import { textOf, type SlackCall } from '../support/fake-slack.js';
import { eventually, policyYaml, warRoomToday } from '../support/incident-harness.js';
import { startSlackStory, type SlackStory } from '../support/slack-bot.js';

async function policy(retryFor = '30m'): Promise<Policy> {
  const yaml = await policyYaml({
    p1: { updateInterval: '2s', responseTime: '1h' },
    p3: { responseTime: '1h' },
  });
  const result = parsePolicy(yaml.replace('retryFor: 30m', `retryFor: ${retryFor}`), 'test-policy.yaml');
  if (!result.ok) throw new Error(result.message);
  return result.policy;
}

const posts = (story: SlackStory, channel: string, text: string): SlackCall[] =>
  story.fake
    .okCalls('chat.postMessage')
    .filter((c) => c.params.channel === channel && textOf(c).includes(text));

/** What the caller was told: privately (ephemeral) or, when Slack is down, through the response_url. */
const toldCaller = (story: SlackStory): string =>
  [
    ...story.fake.okCalls('chat.postEphemeral').map((c) => textOf(c)),
    ...story.fake.responses.map((r) => JSON.stringify(r.body)),
  ].join('\n');

async function roomOf(story: SlackStory, id = 1): Promise<string> {
  const row = await story.db.query<{ channel: string }>('SELECT channel FROM incidents WHERE id = $1', [id]);
  return row.rows[0]?.channel ?? '';
}

describe('durable delivery to Slack', () => {
  let story: SlackStory;
  afterEach(() => story.stop());

  it('half-declared: the alert fails with HTTP 500, the incident stands, and everything follows once Slack recovers', async () => {
    story = await startSlackStory({ database: 'delivery_half', policy: await policy() });
    const { fake, db } = story;
    fake.fail(500, { only: ['chat.postMessage'] });
    expect((await story.slash('incident p1 Checkout is down', { channel: 'C0OPS' })).status).toBe(200);
    await eventually(
      'the caller hears',
      () =>
        toldCaller(story).includes(
          'INC-1 declared. Slack is failing (HTTP 500); the alert will be posted as soon as it answers.',
        ),
      30_000,
    );
    // Stored first: open, declared in the audit log, its timers planned.
    const incident = await db.query<{ state: string }>('SELECT state FROM incidents WHERE id = 1');
    expect(incident.rows[0]?.state).toBe('open');
    const audit = await db.query("SELECT 1 FROM audit_log WHERE event = 'incident.declared'");
    expect(audit.rows).toHaveLength(1);
    // Planned at the declaration (by now the first reminder may already be running or done).
    const timers = await db.query<{ kind: string }>('SELECT DISTINCT kind FROM timers ORDER BY kind');
    expect(timers.rows.map((t) => t.kind)).toEqual(['incident.escalation', 'incident.reminder']);

    // Slack fails for longer than the first reminder's interval, then recovers.
    await eventually(
      'a reminder due while Slack fails',
      async () => {
        const fired = await db.query("SELECT 1 FROM incident_events WHERE kind = 'reminder'");
        return fired.rows.length >= 1;
      },
      30_000,
    );
    fake.recover();
    const room = await roomOf(story);
    await eventually('the alert', () => posts(story, room, 'INCIDENT ALERT').length === 1, 30_000);
    await eventually(
      'the announcement',
      () => posts(story, 'C0INCIDENTS', 'INC-1 declared').length === 1,
      30_000,
    );
    await eventually(
      'a reminder after recovery',
      () => posts(story, room, 'Reminder: INC-1').length >= 2,
      30_000,
    );

    expect(fake.okCalls('conversations.create')).toHaveLength(1);
    expect(posts(story, room, 'INCIDENT ALERT')).toHaveLength(1);
    expect(posts(story, 'C0INCIDENTS', 'INC-1 declared')).toHaveLength(1);
    // In order in the war room: the alert before its first reminder.
    const inRoom = fake.okCalls('chat.postMessage').filter((c) => c.params.channel === room);
    expect(textOf(inRoom[0] as SlackCall)).toContain('INCIDENT ALERT');
    // Each reminder was posted once, none doubled; one that waited out the outage behind a newer
    // one was dropped (counted with the bot stopped).
    await story.slack.bot.core.scheduler.stop();
    const sent = await db.query(
      "SELECT 1 FROM outbox WHERE key LIKE 'incident:1:reminder:%' AND state = 'done' AND NOT result ? 'superseded'",
    );
    expect(posts(story, room, 'Reminder: INC-1')).toHaveLength(sent.rows.length);
    const texts = posts(story, room, 'Reminder: INC-1').map((c) => textOf(c));
    expect(new Set(texts).size).toBe(texts.length);
    // The reminder timers kept the 2-second beat of the declaration.
    const beats = await db.query<{ due_at: Date; started_at: Date }>(
      "SELECT t.due_at, i.started_at FROM timers t, incidents i WHERE t.kind = 'incident.reminder' AND i.id = 1",
    );
    for (const b of beats.rows) expect((b.due_at.getTime() - b.started_at.getTime()) % 2000).toBe(0);
  }, 120_000);

  it('Slack fully down: INC-1 exists, on-call is paged, the caller is told through the response_url, /metrics shows the backlog; then one of each', async () => {
    const pagerDuty = new FakePagerDuty();
    await pagerDuty.start();
    story = await startSlackStory({
      database: 'delivery_down',
      policy: await policy(),
      targets: true,
      env: {
        PAGERDUTY_ROUTING_KEY: 'R0UTINGKEY0123456789abcdef012345',
        PAGERDUTY_EVENTS_URL: `${pagerDuty.url}/v2/enqueue`,
      },
    });
    const { fake, db } = story;
    fake.fail(500);
    await story.slash('incident p1 Reports are stuck', { channel: 'C0OPS' });
    await eventually(
      'the caller hears',
      () =>
        toldCaller(story).includes(
          'INC-1 declared. Slack is failing (HTTP 500); the war room and the alert will be posted as soon as it answers.',
        ),
      30_000,
    );
    // The page does not wait for Slack: its events have a lane of their own.
    const paged = pagerDuty.accepted.map((e) => [e.event_action, e.dedup_key]);
    await pagerDuty.stop();
    expect(paged).toEqual([['trigger', 'oatie-ops-INC-1']]);
    const stored = await db.query('SELECT 1 FROM incidents WHERE id = 1');
    expect(stored.rows).toHaveLength(1);
    const metrics = await (await fetch(`${story.slack.baseUrl}/metrics`)).text();
    expect(Number(/^oatie_outbox_steps\{state="pending"\} (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(Number(/^oatie_outbox_oldest_pending_seconds (\S+)$/m.exec(metrics)?.[1])).toBeGreaterThan(0);

    fake.recover();
    await eventually('the war room', () => fake.okCalls('conversations.create').length === 1, 30_000);
    const name = warRoomToday('reports-are-stuck');
    const room = fake.channels.get(name) ?? '';
    await eventually('the alert', () => posts(story, room, 'INCIDENT ALERT').length === 1, 30_000);
    await eventually(
      'the announcement',
      () => posts(story, 'C0INCIDENTS', 'INC-1 declared').length === 1,
      30_000,
    );
    expect(await roomOf(story)).toBe(room);
    // The triage of the declaration (no symptom matches the title: the menu) waited for its war
    // room, and came once, after the alert.
    await eventually('the triage', () => posts(story, room, 'Triage: pick the symptom').length === 1, 30_000);
    const inRoom = fake.okCalls('chat.postMessage').filter((c) => c.params.channel === room);
    expect(textOf(inRoom[0] as SlackCall)).toContain('INCIDENT ALERT');
    expect(textOf(posts(story, 'C0INCIDENTS', 'INC-1 declared')[0] as SlackCall)).toContain(`<#${room}>`);
    expect(fake.okCalls('conversations.create')).toHaveLength(1);
    expect(fake.okCalls('conversations.setTopic')).toHaveLength(1);
    expect(fake.okCalls('conversations.invite')).toHaveLength(1);
    await eventually(
      'an empty backlog',
      async () => (await story.slack.bot.core.services.outbox.backlog()).pending === 0,
    );
  }, 120_000);

  it('finds the war room a lost answer created instead of creating a second one', async () => {
    story = await startSlackStory({ database: 'delivery_lost', policy: await policy() });
    const { fake } = story;
    fake.loseAnswerNext('conversations.create');
    await story.slash('incident p1 Login fails', { channel: 'C0OPS' });
    const name = warRoomToday('login-fails');
    await eventually(
      'the alert',
      () => posts(story, fake.channels.get(name) ?? '-', 'INCIDENT ALERT').length === 1,
      30_000,
    );
    expect([...fake.channels.keys()].filter((n) => n.startsWith(name))).toEqual([name]);
    expect(await roomOf(story)).toBe(fake.channels.get(name));
  }, 120_000);

  it('gives up after delivery.retryFor: the step is failed and audited, and reported once Slack answers', async () => {
    story = await startSlackStory({ database: 'delivery_giveup', policy: await policy('2s') });
    const { fake, db } = story;
    fake.fail(500, { only: ['chat.postMessage'] });
    await story.slash('incident p3 Slow exports', { channel: 'C0OPS' });
    // The alert, the direct messages to the P3's contacts, the announcement: each given up on.
    const failedSteps = async () =>
      (await db.query("SELECT 1 FROM outbox WHERE state = 'failed' AND lane = 'incident:1'")).rows.length;
    await eventually('a step given up', async () => (await failedSteps()) > 0, 30_000);
    await eventually(
      'every step of INC-1 given up',
      async () => {
        const left = await db.query("SELECT 1 FROM outbox WHERE state = 'pending' AND lane = 'incident:1'");
        return left.rows.length === 0;
      },
      30_000,
    );
    const failed = await db.query<{ target: string; detail: { what: string } }>(
      "SELECT target, detail FROM audit_log WHERE event = 'delivery.failed' ORDER BY id",
    );
    const what = failed.rows.map((r) => r.detail.what);
    expect(what[0]).toBe('the alert of INC-1');
    expect(what).toContain('the announcement of INC-1');
    expect(failed.rows.every((r) => r.target === 'incident:1')).toBe(true);
    fake.recover();
    await eventually(
      'the report',
      () => posts(story, 'C0INCIDENTS', 'Not delivered: the alert of INC-1').length === 1,
      30_000,
    );
    await eventually(
      'one report per step given up',
      () => posts(story, 'C0INCIDENTS', 'Not delivered').length === what.length,
      30_000,
    );
    // Given up: the alert itself never comes.
    expect(posts(story, 'C0OPS', 'INCIDENT ALERT')).toHaveLength(0);
  }, 120_000);
});
