// A fix in Teams: requested by one person, approved by another through the card's Action.Execute
// button (the adaptiveCard/action invoke), the requester's own approval refused, run exactly once.
import { cardOf, cardText } from '../../support/fake-teams.js';
import { createOatieDatabase, type OatieDatabase } from '../../support/oatie-database.js';
import { GENERAL_CHANNEL, personalChat, startTeamsStory, type TeamsStory } from '../../support/teams-bot.js';

let oatie: OatieDatabase;
let story: TeamsStory;

beforeAll(async () => {
  oatie = await createOatieDatabase('teams_fix');
  story = await startTeamsStory({ env: { OATIE_DATABASE_URL: oatie.url }, targets: true });
});
afterAll(async () => {
  await story.stop();
  await oatie.drop();
});

const answerCard = (body: Record<string, unknown>) =>
  (body as { value: { type: string; body: Array<Record<string, unknown>> } }).value;

it('runs a fix once a second person approves it on the card; the requester cannot approve it', async () => {
  const thread = `${GENERAL_CHANNEL};messageid=1699999999100`;
  await story.say('db analyze reports', 'alice', thread);
  const card = await story.fake.waitFor(
    (c) => c.method === 'send' && cardText(cardOf(c.body)).includes('Fix awaiting approval'),
  );
  expect(cardText(cardOf(card.body))).toContain('ANALYZE');

  // The requester clicks Approve: refused, said to her, and nothing runs.
  const own = await story.press(card, 'Approve', 'alice');
  expect(own.status).toBe(200);
  expect(own.json()).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.activity.message' });
  expect(String(own.json().value)).toMatch(/two-person rule/);
  const privately = await story.fake.waitFor(
    (c) =>
      c.method === 'send' &&
      c.conversation === personalChat('alice') &&
      cardText(cardOf(c.body)).includes('two-person'),
  );
  expect(privately.conversation).not.toContain(GENERAL_CHANNEL);
  expect((await story.db.query<{ state: string }>('SELECT state FROM approvals')).rows).toEqual([
    { state: 'pending' },
  ]);

  // Bob approves: the answer is the updated card; the fix runs once.
  const approved = await story.press(card, 'Approve', 'bob');
  expect(approved.status).toBe(200);
  const answer = answerCard(approved.json());
  expect(approved.json()).toMatchObject({ statusCode: 200, type: 'application/vnd.microsoft.card.adaptive' });
  expect(answer.type).toBe('AdaptiveCard');
  expect(JSON.stringify(answer.body)).toMatch(/Fix (running|done)/);
  await story.fake.waitFor(
    (c) =>
      c.method === 'update' &&
      c.activityId === card.activityId &&
      cardText(cardOf(c.body)).includes('Fix done'),
  );
  const rows = await story.db.query<{ state: string; approver: string }>(
    'SELECT state, approver FROM approvals',
  );
  expect(rows.rows).toEqual([{ state: 'succeeded', approver: '6f1a0002-0000-4000-8000-000000000002' }]);

  // A second click (an old copy of the card, a retried invoke) is answered, and runs nothing more.
  const again = await story.press(card, 'Approve', 'bob', { asSent: true });
  expect(again.status).toBe(200);
  const executed = await story.db.query("SELECT 1 FROM audit_log WHERE event = 'fix.executed'");
  expect(executed.rows).toHaveLength(1);
});
