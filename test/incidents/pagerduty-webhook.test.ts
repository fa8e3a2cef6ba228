// PagerDuty's webhook v3, end to end: two replicas of the bot on one Postgres store, each serving
// /webhooks/pagerduty, and a fake PagerDuty that takes the pages and sends signed webhooks back. An
// acknowledgement made in PagerDuty acknowledges the incident in chat once, however often and wherever
// it is delivered; a resolution there is noted in the war room, the incident staying open; forged,
// unsigned, malformed and foreign deliveries are refused with the reason; raising an incident to P1 pages.
import { silentLogger } from '../../src/core/logger.js';
import { createMetrics } from '../../src/http/metrics.js';
import { HttpServer } from '../../src/http/server.js';
import { serveWebhooks } from '../../src/http/webhooks.js';
import { openPagerDuty } from '../../src/targets/pagerduty.js';
import type { Services } from '../../src/core/services.js';
import { consoleText } from '../support/recording-platform.js';
import { deliverPagerWebhook, FakePagerDuty, pagerWebhookEvent } from '../support/fake-pagerduty.js';
import {
  eventually,
  fastPolicy,
  startIncidentHarness,
  startIncidentStory,
  warRoomToday,
  type IncidentHarness,
  type IncidentStory,
} from '../support/incident-harness.js';

const SECRET = 'whsec-0123456789abcdef0123456789';
const ALICE = { id: 'PALICE01', name: 'Alice Oncall' };

async function serve(services: Services): Promise<{ url: string; close: () => Promise<void> }> {
  const http = new HttpServer({ log: silentLogger, metrics: createMetrics() });
  serveWebhooks(http, services);
  const port = await http.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}/webhooks/pagerduty`, close: () => http.close() };
}

describe('PagerDuty webhook v3', () => {
  const pd = new FakePagerDuty();
  let a: IncidentStory;
  let b: IncidentHarness;
  let servers: Array<{ url: string; close: () => Promise<void> }>;

  beforeAll(async () => {
    await pd.start();
    const policy = await fastPolicy({});
    policy.people.alice = { ...policy.people.alice!, pagerduty: ALICE.id };
    const targets = () => ({
      pager: openPagerDuty({ routingKey: 'R0UTINGKEY', url: `${pd.url}/v2/enqueue`, timeoutMs: 2000 }),
      close: () => Promise.resolve(),
    });
    const env = { PAGERDUTY_WEBHOOK_SECRET: SECRET };
    a = await startIncidentStory({ database: 'pagerduty_webhook', policy, env, targets: targets() });
    b = await startIncidentHarness({ db: a.db, policy, env, chat: a.chat, targets: targets() });
    servers = [await serve(a.app.services), await serve(b.app.services)];
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await b.stop();
    await a.stop();
    await pd.stop();
  });

  it('acknowledges the incident in chat once, however many times and replicas it is delivered to', async () => {
    await a.say('incident p1 Report generation down', { as: 'dave', in: 'ops' });
    const room = warRoomToday('report-generation-down');
    await eventually('the page', () => pd.events().some((e) => e.event_action === 'trigger'));
    expect(await a.app.scheduler.pending('incident:1:escalation')).toHaveLength(1);

    const ack = pagerWebhookEvent('incident.acknowledged', { incidentKey: 'oatie-ops-INC-1' }, ALICE);
    const answers = await Promise.all([
      deliverPagerWebhook(servers[0]!.url, ack, { secret: SECRET }),
      deliverPagerWebhook(servers[1]!.url, ack, { secret: SECRET }),
      deliverPagerWebhook(servers[0]!.url, ack, { secret: SECRET }),
    ]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(answers.map((r) => r.body.status).sort()).toEqual(['acknowledged', 'ignored', 'ignored']);

    const acks = () => a.posts(room).filter((p) => p.startsWith('✅'));
    await eventually('the acknowledgement in the war room', () => acks().length > 0);
    expect(acks()).toEqual([expect.stringMatching(/^✅ INC-1 acknowledged by @alice in PagerDuty after /)]);
    // As a chat Acknowledge: the escalation stops, the alert shows who, the timeline has it once.
    expect(await a.app.scheduler.pending('incident:1:escalation')).toEqual([]);
    await eventually('the alert updated', () =>
      a.chat.calls.some(
        (c) =>
          c.op === 'update' &&
          c.channel === room &&
          consoleText(c.message).includes('Acknowledged: by @alice'),
      ),
    );
    const events = await a.db.query<{ text: string }>(
      "SELECT text FROM incident_events WHERE incident_id = 1 AND kind = 'acknowledged'",
    );
    expect(events.rows.map((r) => r.text)).toEqual([
      expect.stringMatching(/^Acknowledged in PagerDuty after/),
    ]);
    // PagerDuty is not told back what it told us.
    expect(pd.events().filter((e) => e.event_action === 'acknowledge')).toEqual([]);
  });

  it('refuses forged, unsigned, malformed and foreign deliveries with the reason', async () => {
    const url = servers[0]!.url;
    const event = pagerWebhookEvent('incident.acknowledged', { incidentKey: 'oatie-ops-INC-1' }, ALICE);
    const forged = await deliverPagerWebhook(url, event, { secret: 'not-the-secret-at-all' });
    expect(forged).toEqual({
      status: 401,
      body: { error: 'no signature of X-PagerDuty-Signature matches the body' },
    });
    const unsigned = await deliverPagerWebhook(url, event, { signature: null });
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error).toMatch(/not signed/);
    // Several signatures (a secret being rotated): one matching is enough.
    const text = JSON.stringify(
      pagerWebhookEvent('incident.priority_updated', { incidentKey: 'oatie-ops-INC-1' }),
    );
    const { pagerSignature } = await import('../support/fake-pagerduty.js');
    const rotated = await deliverPagerWebhook(url, text, {
      signature: `${pagerSignature(text, 'an-old-secret-0000000')},${pagerSignature(text, SECRET)}`,
    });
    expect(rotated.status).toBe(200);
    const notJson = await deliverPagerWebhook(url, '{"event":', { secret: SECRET });
    expect(notJson).toEqual({ status: 400, body: { error: 'the body is not JSON' } });
    const noId = await deliverPagerWebhook(
      url,
      { event: { event_type: 'incident.acknowledged' } },
      { secret: SECRET },
    );
    expect(noId.status).toBe(400);
    expect(noId.body.error).toMatch(/^event\.id: /);
    const foreign = pagerWebhookEvent(
      'incident.acknowledged',
      { incidentKey: 'another-tool-42', id: 'QOTHER' },
      ALICE,
    );
    const unknown = await deliverPagerWebhook(url, foreign, { secret: SECRET });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toContain('no incident of oatie-ops has the incident key "another-tool-42"');
  });

  it('notes a resolution made in PagerDuty in the war room once, and leaves the incident open', async () => {
    await a.say('incident p1 Exports failing', { as: 'dave', in: 'exports' });
    const room = warRoomToday('exports-failing');
    const resolved = pagerWebhookEvent(
      'incident.resolved',
      { incidentKey: 'oatie-ops-INC-2', id: 'Q2PAGE0002' },
      { id: 'PBOB0001', name: 'Bob Lead' },
    );
    const answers = await Promise.all([
      deliverPagerWebhook(servers[0]!.url, resolved, { secret: SECRET }),
      deliverPagerWebhook(servers[1]!.url, resolved, { secret: SECRET }),
    ]);
    expect(answers.map((r) => r.body.status).sort()).toEqual(['ignored', 'noted']);
    const notes = () => a.posts(room).filter((p) => p.startsWith('📟 The page'));
    await eventually('the note', () => notes().length > 0);
    expect(notes()).toEqual([
      expect.stringContaining(
        '📟 The page of INC-2 was resolved in PagerDuty by Bob Lead. INC-2 stays open here: an incident is resolved with its root cause',
      ),
    ]);
    const state = await a.db.query<{ state: string; pager_incident_id: string }>(
      'SELECT state, pager_incident_id FROM incidents WHERE id = 2',
    );
    expect(state.rows).toEqual([{ state: 'open', pager_incident_id: 'Q2PAGE0002' }]);
    // Later events may name the incident by its PagerDuty id alone.
    const byId = pagerWebhookEvent('incident.acknowledged', { id: 'Q2PAGE0002' }, ALICE);
    expect((await deliverPagerWebhook(servers[1]!.url, byId, { secret: SECRET })).body).toMatchObject({
      status: 'acknowledged',
      incident: 'INC-2',
    });
  });

  it('pages when an incident is raised to P1', async () => {
    await a.say('incident p2 Slow dashboards', { as: 'dave', in: 'dashboards' });
    const before = pd.events().length;
    await a.say('incident severity p1', { as: 'dave', in: 'dashboards' });
    await eventually('the page', () => pd.events().length > before);
    expect(pd.events().slice(before)).toMatchObject([
      {
        event_action: 'trigger',
        dedup_key: 'oatie-ops-INC-3',
        payload: { summary: 'INC-3 P1: Slow dashboards (raised to P1)' },
      },
    ]);
  });
});
