// The optional status page (Atlassian Statuspage): `incident update … --public` opens the incident
// there, later public updates add to it, resolving closes it; when the page is down the update is
// still posted in chat and the commander is told. A public update meets the P0 status page deadline.
import { openStatuspage } from '../../src/targets/statuspage.js';
import { HttpFake, json } from '../support/http-fake.js';
import { RecordingPlatform } from '../support/recording-platform.js';
import {
  buttonIn,
  fastPolicy,
  startIncidentStory,
  warRoomToday,
  type IncidentStory,
} from '../support/incident-harness.js';

describe('public updates on the status page', () => {
  let h: IncidentStory;
  let page: HttpFake;

  beforeAll(async () => {
    page = await new HttpFake((r) => {
      if (r.method === 'POST' && r.path === '/v1/pages/PAGE1/incidents')
        return json(201, { id: 'sp-42', name: 'x' });
      if (r.method === 'PATCH' && r.path === '/v1/pages/PAGE1/incidents/sp-42')
        return json(200, { id: 'sp-42' });
      return undefined;
    }).start();
    const statusPage = openStatuspage({
      apiKey: 'sp-secret-key',
      pageId: 'PAGE1',
      url: `${page.url}/v1`,
      timeoutMs: 500,
    });
    // Forms on, so the update form (a modal in Slack) is one of the paths tried.
    const chat = new RecordingPlatform();
    chat.supportsForms = true;
    h = await startIncidentStory({
      chat,
      database: 'incidents_statuspage',
      // A deadline no loaded machine can miss; meeting it is shown by its timer being cancelled.
      policy: await fastPolicy({ p0: { statusPageDeadline: '30s' } }),
      targets: { statusPage, close: () => Promise.resolve() },
    });
  });
  afterAll(async () => {
    await h.stop();
    await page.stop();
  });

  it('opens, updates and resolves the status page incident, and meets the P0 deadline', async () => {
    await h.say('incident p0 Platform unreachable');
    const room = warRoomToday('platform-unreachable');
    await h.say('incident update investigating We are looking into errors on every page --public', {
      in: room,
      as: 'bob',
    });
    expect(h.posts(room).at(-1)).toContain('Also posted to the status page.');
    const [opened] = page.requests;
    expect(opened?.headers.authorization).toBe('OAuth sp-secret-key');
    expect(JSON.parse(opened?.body ?? '{}')).toEqual({
      incident: {
        name: 'Platform unreachable',
        status: 'investigating',
        body: 'We are looking into errors on every page',
        impact_override: 'critical',
      },
    });

    await h.say('incident update monitoring A fix is deployed --public', { in: room, as: 'bob' });
    expect(page.requests[1]).toMatchObject({ method: 'PATCH', path: '/v1/pages/PAGE1/incidents/sp-42' });
    expect(JSON.parse(page.requests[1]?.body ?? '{}')).toEqual({
      incident: { status: 'monitoring', body: 'A fix is deployed' },
    });

    // The public update met the deadline: its reminder is cancelled, not waiting to fire.
    const pending = await h.app.scheduler.pending('incident:');
    expect(pending.filter((t) => t.kind === 'incident.status-page')).toEqual([]);
    expect(h.posts(room).filter((p) => p.startsWith('📢'))).toEqual([]);

    await h.say('incident resolve Bad load balancer rule', { in: room });
    expect(JSON.parse(page.requests[2]?.body ?? '{}')).toEqual({
      incident: { status: 'resolved', body: 'This incident has been resolved.' },
    });
  });

  it('still posts the update in chat when the status page does not answer, and says why it is not public', async () => {
    await h.say('incident p1 Uploads failing');
    const room = warRoomToday('uploads-failing');
    page.hang = true;
    await h.say('incident update identified Storage quota reached --public', { in: room, as: 'bob' });
    page.hang = false;
    expect(h.posts(room).at(-1)).toContain('📣 INC-2 update: IDENTIFIED\n\nStorage quota reached');
    expect(h.posts(room).at(-1)).not.toContain('Also posted to the status page.');
    const note = h.privately('bob').at(-1) ?? '';
    expect(note).toContain('not on the status page: The status page API at 127.0.0.1');
    expect(note).toContain('did not answer within 0.5 s');
    expect(note).not.toContain('sp-secret-key');
  });
  it('refuses a stranger, and anyone without the right, on every path: nothing reaches the status page', async () => {
    await h.say('incident p1 Exports failing', { as: 'bob' });
    const room = warRoomToday('exports-failing');
    const before = page.requests.length;
    // Someone the policy does not know (who may not act on the incident at all: incidents.act), and
    // alice (SRE, not a lead): typed, and through the update form.
    await h.say('incident update identified We were hacked lol --public', { in: room, as: 'mallory' });
    expect(h.privately('mallory').at(-1)).toContain('policy incidents.act');
    await h.say('incident update identified Defaced --public', { in: room, as: 'alice' });
    expect(h.privately('alice').at(-1)).toContain(
      'You cannot publish on the public status page: only group:leads may publish on the public status page (policy incidents.publishStatusPage).',
    );
    await h.press(await buttonIn(h.chat, room, 'Post update'), { as: 'alice', in: room, trigger: 'T9' });
    const form = h.chat.calls.filter((c) => c.op === 'form').at(-1);
    if (form?.op !== 'form') throw new Error('no update form opened');
    await h.press(form.form.actionId, {
      as: 'alice',
      in: room,
      values: { status: 'identified', text: 'Defaced through the form', public: 'yes' },
    });
    expect(h.privately('alice').at(-1)).toContain('policy incidents.publishStatusPage');
    expect(page.requests.length).toBe(before);
    // Not even the chat part of a refused update is posted: nothing half done.
    expect(h.posts(room).join('\n')).not.toContain('hacked');
    expect(h.posts(room).join('\n')).not.toContain('Defaced');
    const refusals = await h.db.query<{ actor: string; outcome: string }>(
      "SELECT actor, outcome FROM audit_log WHERE event = 'incident.refused' ORDER BY id",
    );
    expect(refusals.rows.map((r) => r.actor)).toEqual(['mallory', 'alice', 'alice']);
  });

  it('lets only the policy’s raiseToP0 declare a P0 or raise to P0', async () => {
    await h.say('incident p0 Everything is down', { as: 'mallory' });
    expect(h.privately('mallory').at(-1)).toContain(
      'You cannot declare a P0 or raise an incident to P0: only group:sre may',
    );
    await h.say('incident p2 Slow search', { as: 'bob', in: 'search' });
    await h.say('incident severity p0', { in: 'search', as: 'mallory' });
    expect(h.privately('mallory').at(-1)).toContain('policy incidents.act');
    const severities = await h.db.query<{ severity: string }>(
      "SELECT severity FROM incidents WHERE title IN ('Everything is down', 'Slow search')",
    );
    expect(severities.rows).toEqual([{ severity: 'p2' }]);
  });
});
