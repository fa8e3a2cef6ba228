// War rooms through Microsoft Graph (HTTP fake of Graph and its token endpoint): a P1 gets its own
// channel in the team, named after the incident, with its topic as the description and its contacts
// made members; the alert goes there, and a command typed in that channel acts on its incident.
import { GraphWarRooms } from '../../../src/chat/teams/graph-war-rooms.js';
import { silentLogger } from '../../../src/core/logger.js';
import { FakeConnector, buttonsOf, cardOf } from '../../support/fake-teams.js';
import { HttpFake, json } from '../../support/http-fake.js';
import {
  GENERAL_CHANNEL,
  INCIDENTS_CHANNEL,
  PEOPLE,
  startTeamsStory,
  type TeamsStory,
} from '../../support/teams-bot.js';

const TEAM = 'a1b2c3d4-0000-4000-8000-000000007e4a';
const WAR_ROOM = '19:warroom-1@thread.tacv2';

let graph: HttpFake;
let fake: FakeConnector;
let story: TeamsStory;

beforeAll(async () => {
  graph = await new HttpFake((r) => {
    if (r.path.endsWith('/oauth2/v2.0/token'))
      return json(200, { access_token: 'graph-token', expires_in: 3600 });
    if (r.method === 'POST' && r.path === `/teams/${TEAM}/channels`) {
      const { displayName } = JSON.parse(r.body) as { displayName: string };
      return json(201, { id: WAR_ROOM, displayName });
    }
    if (r.method === 'PATCH' && r.path.startsWith(`/teams/${TEAM}/channels/`)) return json(204, {});
    if (r.method === 'POST' && r.path === `/teams/${TEAM}/members`) return json(201, {});
    return undefined;
  }).start();
  fake = await new FakeConnector().start();
  fake.channels.push({ id: INCIDENTS_CHANNEL, name: 'incidents' });
  const warRooms = new GraphWarRooms(
    {
      tenantId: 'tenant',
      clientId: 'client',
      clientSecret: 'secret',
      teamId: TEAM,
      graphUrl: graph.url,
      loginUrl: graph.url,
    },
    silentLogger,
  );
  story = await startTeamsStory({ fake, warRooms });
});
afterAll(async () => {
  await story.stop();
  await fake.stop();
  await graph.stop();
});

it('opens a channel per incident through Graph, adds the contacts, and acts on commands typed there', async () => {
  await story.say(
    'incident p1 Report generation down',
    'alice',
    `${GENERAL_CHANNEL};messageid=1699999999300`,
  );
  const alert = await fake.waitFor(
    (c) =>
      c.method === 'send' &&
      c.conversation === WAR_ROOM &&
      buttonsOf(cardOf(c.body)).some((b) => b.title === 'Acknowledge'),
  );
  const created = graph.requests.find((r) => r.method === 'POST' && r.path === `/teams/${TEAM}/channels`);
  const channel = JSON.parse(created?.body ?? '{}') as { displayName?: string; membershipType?: string };
  expect(channel.displayName).toMatch(/^inc-\d{8}-report-generation-down$/);
  expect(channel.membershipType).toBe('standard');
  expect(created?.headers.authorization).toBe('Bearer graph-token');
  const members = graph.requests.filter((r) => r.path === `/teams/${TEAM}/members`).map((r) => r.body);
  expect(members.join()).toContain(PEOPLE.bob.aad);
  const described = graph.requests.find((r) => r.method === 'PATCH');
  expect(described?.body).toContain('Report generation down');

  // Typed in a thread of the war-room channel: acts on its incident.
  await story.say('incident ack', 'bob', `${WAR_ROOM};messageid=${alert.activityId}`);
  await fake.waitFor((c) => c.method === 'update' && c.activityId === alert.activityId);
  const state = await story.db.query<{ state: string }>('SELECT state FROM incidents');
  expect(state.rows).toEqual([{ state: 'acknowledged' }]);
});
