// The optional status page (Atlassian Statuspage): `incident update … --public` opens the incident
// there, later public updates add to it, resolving closes it; when the page is down the update is
// still posted in chat and the commander is told. A public update meets the P0 status page deadline.
import { openStatuspage } from '../../src/targets/statuspage.js';
import { HttpFake, json } from '../support/http-fake.js';
import {
  fastPolicy,
  sleep,
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
    h = await startIncidentStory({
      database: 'incidents_statuspage',
      policy: await fastPolicy({ p0: { statusPageDeadline: '1s' } }),
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

    await h.say('incident update monitoring A fix is deployed --public', { in: room });
    expect(page.requests[1]).toMatchObject({ method: 'PATCH', path: '/v1/pages/PAGE1/incidents/sp-42' });
    expect(JSON.parse(page.requests[1]?.body ?? '{}')).toEqual({
      incident: { status: 'monitoring', body: 'A fix is deployed' },
    });

    // The public update came before the 1 s deadline: no status page reminder.
    await sleep(1300);
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
    await h.say('incident update identified Storage quota reached --public', { in: room });
    page.hang = false;
    expect(h.posts(room).at(-1)).toContain('📣 INC-2 update: IDENTIFIED\n\nStorage quota reached');
    expect(h.posts(room).at(-1)).not.toContain('Also posted to the status page.');
    const note = h.privately('alice').at(-1) ?? '';
    expect(note).toContain('not on the status page: The status page API at 127.0.0.1');
    expect(note).toContain('did not answer within 0.5 s');
    expect(note).not.toContain('sp-secret-key');
  });
});
