// Paging through PagerDuty's Events API v2 (a fake that speaks it): a P1 pages when declared and at
// each escalation step, under one dedup key, so PagerDuty updates one page instead of paging twice;
// acknowledging and resolving the incident acknowledge and resolve the page. A P3 pages nobody, and a
// pager that fails leaves the incident going on in chat.
import { openPagerDuty } from '../../src/targets/pagerduty.js';
import { FakePagerDuty } from '../support/fake-pagerduty.js';
import {
  buttonIn,
  eventually,
  fastPolicy,
  startIncidentStory,
  warRoomToday,
  type IncidentStory,
} from '../support/incident-harness.js';

async function incidentTitled(h: IncidentStory, title: string): Promise<{ id: number }> {
  const row = await h.db.query<{ id: number }>('SELECT id FROM incidents WHERE title = $1', [title]);
  const found = row.rows[0];
  if (!found) throw new Error(`no incident titled ${title}`);
  return found;
}

const ROUTING_KEY = 'R0UTINGKEY0123456789abcdef012345';

describe('paging on-call through PagerDuty', () => {
  const events = new FakePagerDuty();
  let h: IncidentStory;
  const sent = () => events.events();

  beforeAll(async () => {
    await events.start();
    const pager = openPagerDuty({
      routingKey: ROUTING_KEY,
      url: `${events.url}/v2/enqueue`,
      timeoutMs: 2000,
    });
    const policy = await fastPolicy({ p1: { responseTime: '1s' } });
    h = await startIncidentStory({
      database: 'paging',
      policy,
      targets: { pager, close: () => Promise.resolve() },
      // A refused page is tried again within a fraction of a second, not the production 1 s doubling.
      scheduler: { pollMs: 50, outbox: { backoffMs: 50, maxBackoffMs: 200 } },
    });
  });
  afterAll(async () => {
    await h.stop();
    await events.stop();
  });

  it('pages a P1 when declared and at each escalation step, under one dedup key', async () => {
    await h.say('incident p1 Report generation down', { as: 'dave', in: 'ops' });
    await eventually(
      'the escalation pages',
      () => sent().filter((e) => e.event_action === 'trigger').length >= 2,
      8000,
    );
    const triggers = sent().filter((e) => e.event_action === 'trigger');
    expect(new Set(triggers.map((e) => e.dedup_key))).toEqual(new Set(['oatie-ops-INC-1']));
    // The declaration's page and the first escalation's (1 s later) may reach PagerDuty in either order
    // on a loaded machine: both update the one PagerDuty incident.
    const declared = triggers.find((e) => e.payload?.summary.endsWith('(declared)'));
    expect(declared).toMatchObject({
      routing_key: ROUTING_KEY,
      payload: { severity: 'critical', summary: 'INC-1 P1: Report generation down (declared)' },
    });
    expect(triggers.some((e) => e.payload?.summary.includes('not acknowledged: escalated'))).toBe(true);
  });

  it('acknowledges and resolves the page with the incident', async () => {
    const room = warRoomToday('report-generation-down');
    await h.press(await buttonIn(h.chat, room, 'Acknowledge'), { as: 'bob', in: room });
    await eventually('the acknowledge event', () => sent().some((e) => e.event_action === 'acknowledge'));
    await h.say('incident resolve Restarted the report workers', { as: 'bob', in: room });
    await eventually('the resolve event', () => sent().some((e) => e.event_action === 'resolve'));
    const lifecycle = sent()
      .filter((e) => e.event_action !== 'trigger')
      .map((e) => [e.event_action, e.dedup_key]);
    expect(lifecycle).toEqual([
      ['acknowledge', 'oatie-ops-INC-1'],
      ['resolve', 'oatie-ops-INC-1'],
    ]);
  });

  it('pages nobody for a P3; a pager failing for a while neither stops a P1 nor loses its page', async () => {
    const before = sent().length;
    await h.say('incident p3 Dashboard colours wrong', { as: 'dave', in: 'design' });
    expect(sent().length).toBe(before);
    events.eventStatus = 500;
    await h.say('incident p1 Exports failing', { as: 'dave', in: 'exports' });
    expect(h.posts(warRoomToday('exports-failing')).some((p) => p.includes('INCIDENT ALERT'))).toBe(true);
    // Refused, then tried again (the outbox's backoff) until PagerDuty takes it.
    await eventually('the page tried again', () => sent().length >= before + 2);
    events.eventStatus = 202;
    const { id } = await incidentTitled(h, 'Exports failing');
    // The declaration's page (the 1 s escalation pages the same incident again, separately).
    const accepted = () =>
      events.accepted.filter(
        (e) => e.dedup_key === `oatie-ops-INC-${id}` && e.payload?.summary.endsWith('(declared)'),
      );
    await eventually('the page accepted', () => accepted().length === 1);
    expect(accepted()[0]).toMatchObject({
      event_action: 'trigger',
      payload: { summary: `INC-${id} P1: Exports failing (declared)` },
    });
    // Once, and nothing of it is left waiting (the step is marked done just after PagerDuty answers).
    await eventually('the page step done', async () => {
      const waiting = await h.db.query("SELECT 1 FROM outbox WHERE lane = $1 AND state <> 'done'", [
        `page:${id}`,
      ]);
      return waiting.rows.length === 0;
    });
    expect(accepted()).toHaveLength(1);
  });

  it('a page PagerDuty refuses for good (HTTP 400) is not retried, and is reported in the incidents channel', async () => {
    events.eventStatus = 400;
    await h.say('incident p1 Invoices missing', { as: 'dave', in: 'billing' });
    const { id } = await incidentTitled(h, 'Invoices missing');
    await eventually('the report', () =>
      h.posts('incidents').some((p) => p.includes(`the page of INC-${id}`) && p.includes('HTTP 400')),
    );
    const declared = sent().filter(
      (e) => e.dedup_key === `oatie-ops-INC-${id}` && e.payload?.summary.endsWith('(declared)'),
    );
    expect(declared).toHaveLength(1);
    events.eventStatus = 202;
  });
});
