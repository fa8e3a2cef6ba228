// Alertmanager's webhook, end to end: two replicas of the bot on one Postgres store receive the same
// notifications (as Alertmanager clusters send them); each firing group is posted once to the alerts
// channel, with its labels, summary, source link, suggested severity and buttons; repeats update it;
// Acknowledge and Declare incident work from it (two clicks at the same instant on the two replicas
// declare one incident); the resolved notification marks it resolved.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buttonOf, textOf, whereOf, type SlackCall } from '../support/fake-slack.js';
import { eventually } from '../support/incident-harness.js';
import { buttonClickBody, postSigned } from '../support/slack-signing.js';
import {
  startSlackBot,
  startSlackStory,
  type RunningSlackBot,
  type SlackStory,
} from '../support/slack-bot.js';

const TOKEN = 'am-token-5f0c9e1d2b3a4c5d';
const ALERTS = 'C0ALERTS';
const env = { ALERTMANAGER_TOKEN: TOKEN, OATIE_ALERTS_CHANNEL: ALERTS };

function notification(status: 'firing' | 'resolved', extra: Record<string, unknown> = {}) {
  return {
    version: '4',
    groupKey: '{}/{severity="critical"}:{alertname="ReportQueueBacklog", service="report-service"}',
    truncatedAlerts: 0,
    status,
    receiver: 'oatie-ops',
    groupLabels: { alertname: 'ReportQueueBacklog', service: 'report-service' },
    commonLabels: { alertname: 'ReportQueueBacklog', service: 'report-service', severity: 'critical' },
    commonAnnotations: { summary: 'More than 500 reports waiting for 10 minutes' },
    externalURL: 'https://alertmanager.oatie.example',
    alerts: [
      {
        status,
        labels: {
          alertname: 'ReportQueueBacklog',
          service: 'report-service',
          severity: 'critical',
          pod: 'r-1',
        },
        annotations: { summary: 'More than 500 reports waiting for 10 minutes' },
        startsAt: '2026-12-01T14:00:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://prometheus.oatie.example/graph?g0.expr=report_queue_depth%3E500',
        fingerprint: 'a1b2c3',
      },
    ],
    ...extra,
  };
}

async function deliver(url: string, body: unknown, token = TOKEN) {
  const res = await fetch(`${url}/webhooks/alertmanager`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as { error?: string; status?: string } };
}

const labels = (call: SlackCall): string[] =>
  ((call.params.blocks ?? []) as Array<{ type: string; elements?: Array<{ text?: { text: string } }> }>)
    .filter((b) => b.type === 'actions')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text?.text ?? ''));

/** The alert group posts (the alerts channel also gets the answer of Declare incident). */
const alertPosts = (story: SlackStory): SlackCall[] =>
  story.fake
    .callsTo('chat.postMessage')
    .filter((c) => c.params.channel === ALERTS && /FIRING|RESOLVED/.test(textOf(c)));

/** Clicks `label` on `posted` (as Slack shows it now) through another replica. */
function pressOn(bot: RunningSlackBot, story: SlackStory, posted: SlackCall, label: string, user: string) {
  const shown = story.fake.current(posted);
  const { channel, ts } = whereOf(posted);
  return postSigned(
    bot.eventsUrl,
    buttonClickBody({
      user,
      channel,
      ts,
      actionId: buttonOf(shown, label).action_id,
      responseUrl: story.fake.responseUrl(),
      message: { text: shown.params.text, blocks: shown.params.blocks },
    }),
  );
}

/** Waits until the message, as Slack shows it now, contains `text`. */
async function shows(story: SlackStory, posted: SlackCall, text: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!textOf(story.fake.current(posted)).includes(text)) {
    if (Date.now() > deadline)
      throw new Error(`the message never showed "${text}": ${textOf(story.fake.current(posted))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('Alertmanager intake', () => {
  let story: SlackStory;
  let replica: RunningSlackBot;
  let alertPost: SlackCall;

  beforeAll(async () => {
    story = await startSlackStory({ database: 'alerts', env });
    replica = await startSlackBot({ fake: story.fake, db: story.db, env });
  }, 60_000);
  afterAll(async () => {
    await replica.stop();
    await story.stop();
  });

  it('refuses a missing or wrong bearer token, and malformed payloads with the reason', async () => {
    const url = story.slack.baseUrl;
    expect((await deliver(url, notification('firing'), 'wrong-token-000000')).status).toBe(401);
    expect((await deliver(url, notification('firing'), '')).status).toBe(401);
    expect(await deliver(url, '{"version": "4", ')).toEqual({
      status: 400,
      body: { error: 'the body is not JSON' },
    });
    const v3 = await deliver(url, notification('firing', { version: '3' }));
    expect(v3.status).toBe(400);
    expect(v3.body.error).toMatch(/^version: expected an Alertmanager webhook of version "4"/);
    const empty = await deliver(url, notification('firing', { alerts: [] }));
    expect(empty.status).toBe(400);
    expect(empty.body.error).toMatch(/^alerts: /);
    expect(story.fake.callsTo('chat.postMessage')).toEqual([]);
  });

  it('posts a firing group once, even when both replicas receive it, with what on-call needs', async () => {
    const answers = await Promise.all([
      deliver(story.slack.baseUrl, notification('firing')),
      deliver(replica.baseUrl, notification('firing')),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    alertPost = await story.fake.waitFor('chat.postMessage', (c) => c.params.channel === ALERTS);
    const text = textOf(alertPost);
    expect(text).toContain('FIRING: ReportQueueBacklog (service=report-service)');
    expect(text).toContain('More than 500 reports waiting for 10 minutes');
    expect(text).toContain('Suggested severity: P1 (from severity=critical)');
    expect(text).toContain('alertname=ReportQueueBacklog, service=report-service, severity=critical');
    expect(text).toContain('https://prometheus.oatie.example/graph');
    expect(labels(alertPost)).toEqual(['Acknowledge', 'Declare incident']);
    // The other replica's delivery shows in the one message (posted with it, or updated after).
    await shows(story, alertPost, '2 notifications');
    expect(alertPosts(story)).toHaveLength(1);
  });

  it('updates the message on repeats instead of posting again', async () => {
    expect((await deliver(story.slack.baseUrl, notification('firing'))).status).toBe(200);
    await story.fake.waitFor('chat.update', (c) => textOf(c).includes('3 notifications'));
    expect(alertPosts(story)).toHaveLength(1);
  });

  it('is acknowledged with its button, once', async () => {
    expect((await story.press(alertPost, 'Acknowledge', 'U0ONCALL01')).status).toBe(200);
    await story.fake.waitFor('chat.update', (c) => textOf(c).includes('Acknowledged by'));
    expect(labels(story.fake.current(alertPost))).toEqual(['Declare incident']);
  });

  it('declares the incident from the alert — title, service, impact — and links them, once of two clicks at the same instant on two replicas', async () => {
    // The test holds the group's row until both declarations wait to link it, so they meet there.
    const pressed = await story.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM alert_groups FOR UPDATE');
      const clicks = [
        story.press(alertPost, 'Declare incident', 'U0ONCALL01'),
        pressOn(replica, story, alertPost, 'Declare incident', 'U0ONCALL02'),
      ];
      await eventually('both declarations waiting to link the group', async () => {
        const waiting = await story.db.query<{ n: string }>(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        return Number(waiting.rows[0]?.n) >= 2;
      });
      return Promise.all(clicks);
    });
    expect(pressed.map((p) => p.status)).toEqual([200, 200]);
    // P1: a war room opens.
    await story.fake.waitFor('conversations.create', () => true, 10_000);
    await story.fake.waitFor('chat.update', (c) => textOf(c).includes('Incident: INC-'), 10_000);
    // The other clicker is told; nothing of a second declaration is left.
    await eventually('the second clicker told', () =>
      [
        ...story.fake.callsTo('chat.postEphemeral').map((c) => textOf(c)),
        ...story.fake.responses.map((r) => JSON.stringify(r.body)),
      ].some((t) => /INC-\d+ was declared from this alert already/.test(t)),
    );
    expect(story.fake.callsTo('conversations.create')).toHaveLength(1);
    const incidents = await story.db.query<{
      severity: string;
      title: string;
      service: string;
      impact: string;
    }>('SELECT severity, title, service, impact FROM incidents');
    expect(incidents.rows).toEqual([
      {
        severity: 'p1',
        title: 'ReportQueueBacklog (service=report-service)',
        service: 'report-service',
        impact: 'More than 500 reports waiting for 10 minutes',
      },
    ]);
    expect(labels(story.fake.current(alertPost))).toEqual([]);
  });

  it('marks the group resolved when Alertmanager says so', async () => {
    expect((await deliver(replica.baseUrl, notification('resolved'))).status).toBe(200);
    await story.fake.waitFor('chat.update', (c) => textOf(c).includes('RESOLVED: ReportQueueBacklog'));
    expect(labels(story.fake.current(alertPost))).toEqual([]);
    expect(alertPosts(story)).toHaveLength(1);
  });
});
