// The incident story in Teams, end to end through /api/messages: a P1 declared in a channel opens its
// war room as a new thread in the incidents channel (no Graph configured), pages its contacts there,
// reminds the thread after the bot restarts (conversation references come from the store), is
// acknowledged with the alert card's button, and resolved by a command typed in the thread.
import { FakeConnector, buttonsOf, cardOf, cardText, type TeamsCall } from '../../support/fake-teams.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';
import { fastPolicy } from '../../support/incident-harness.js';
import {
  GENERAL_CHANNEL,
  INCIDENTS_CHANNEL,
  PEOPLE,
  startTeamsStory,
  type TeamsStory,
} from '../../support/teams-bot.js';
import { openTestDb } from '../../support/test-app.js';
import type { Db } from '../../../src/store/db.js';

let fake: FakeConnector;
let database: TestDatabase;
let db: Db;
let story: TeamsStory;

beforeAll(async () => {
  fake = await new FakeConnector().start();
  // The incidents channel is found by name among the team's channels, as the connector lists them.
  fake.channels.push({ id: GENERAL_CHANNEL }, { id: INCIDENTS_CHANNEL, name: 'incidents' });
  database = await createTestDatabase('teams_incident');
  db = await openTestDb(database.url);
});
afterAll(async () => {
  await story.stop();
  await db.close();
  await database.drop();
  await fake.stop();
});

const shows = (text: string) => (c: TeamsCall) =>
  c.body.attachments !== undefined && cardText(cardOf(c.body)).includes(text);

it('declares a P1, reminds its war-room thread after a restart, is acknowledged on the card and resolved in the thread', async () => {
  const policy = await fastPolicy({ p1: { updateInterval: '6s' } });
  story = await startTeamsStory({ db, fake, policy });

  // Declared in General: the war room is a new thread in the incidents channel.
  await story.say(
    'incident p1 Report generation down',
    'alice',
    `${GENERAL_CHANNEL};messageid=1699999999200`,
  );
  const created = await fake.waitFor(
    (c) => c.method === 'create' && c.conversation.startsWith(INCIDENTS_CHANNEL),
  );
  const thread = created.conversation;
  expect(thread).toMatch(/;messageid=/);
  expect(cardText(cardOf(created.body.activity as Record<string, unknown>))).toContain('War room inc-');
  const alert = await fake.waitFor(
    (c) =>
      c.method === 'send' &&
      c.conversation === thread &&
      buttonsOf(cardOf(c.body)).some((b) => b.title === 'Acknowledge'),
  );
  // The contacts are paged in the thread with real mentions.
  const paging = await fake.waitFor(
    (c) => c.method === 'send' && c.conversation === thread && shows('Paging')(c),
  );
  const mentioned = (cardOf(paging.body).msteams?.entities ?? []).map((e) => e.mentioned.id);
  expect(mentioned).toEqual(expect.arrayContaining([PEOPLE.alice.aad, PEOPLE.bob.aad]));

  // The bot restarts before the first reminder is due; the new process reminds the thread.
  await story.stop();
  const restartedAt = fake.calls.length;
  story = await startTeamsStory({ db, fake, policy });
  const reminder = await fake.waitFor(
    (c) =>
      fake.calls.indexOf(c) >= restartedAt &&
      c.method === 'send' &&
      c.conversation === thread &&
      shows('Reminder')(c),
    30_000,
  );
  expect(reminder.conversation).toBe(thread);

  // Bob acknowledges with the alert's button: the answer is the card without that button.
  const ack = await story.press(alert, 'Acknowledge', 'bob');
  expect(ack.status).toBe(200);
  const answer = ack.json() as { type: string; value: { body: unknown[] } };
  expect(answer.type).toBe('application/vnd.microsoft.card.adaptive');
  expect(JSON.stringify(answer.value.body)).not.toContain('"title":"Acknowledge"');
  const state = await db.query<{ state: string; acknowledged_by: string }>(
    'SELECT state, acknowledged_by FROM incidents',
  );
  expect(state.rows).toEqual([{ state: 'acknowledged', acknowledged_by: PEOPLE.bob.aad }]);

  // Resolved by a command typed in the war-room thread: it acts on that thread's incident.
  await story.say('incident resolve Restarted the report worker', 'alice', thread);
  const resolution = await fake.waitFor(
    (c) => c.method === 'send' && c.conversation === thread && shows('Restarted the report worker')(c),
  );
  expect(cardText(cardOf(resolution.body))).toMatch(/resolved/i);
  expect((await db.query<{ state: string }>('SELECT state FROM incidents')).rows).toEqual([
    { state: 'resolved' },
  ]);
});
