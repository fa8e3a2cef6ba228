// Teams commands wait their turn behind their acknowledgement, in a bounded queue (as on Slack): with
// one running and the line full, the next person is told the bot is busy, nothing of theirs runs,
// and every command that was taken is answered.
import { BUSY_TEXT } from '../../../src/chat/work-queue.js';
import { cardOf, cardText, type TeamsCall } from '../../support/fake-teams.js';
import { personalChat, startTeamsStory, type TeamsStory, type Who } from '../../support/teams-bot.js';

let story: TeamsStory;
afterAll(() => story.stop());

const textsTo = (who: Who): string[] =>
  story.fake.calls
    .filter((c: TeamsCall) => c.method === 'send' && c.conversation === personalChat(who))
    .map((c) => cardText(cardOf(c.body)));

test('past the queue limit a Teams user is told the bot is busy; every command taken is answered', async () => {
  story = await startTeamsStory({
    database: 'teams_busy',
    env: { OATIE_WORK_CONCURRENCY: '1', OATIE_WORK_QUEUE_LIMIT: '1' },
  });
  const release = story.fake.holdAnswers();
  // Alice's command runs: its answer is on its way (held by the connector), so it is still running.
  expect((await story.say('help incident', 'alice')).status).toBe(200);
  await story.fake.waitFor((c) => c.method === 'send' && c.conversation === personalChat('alice'));
  // Bob's waits in line; Carol's finds the line full.
  expect((await story.say('help incident', 'bob')).status).toBe(200);
  expect((await story.say('help incident', 'carol')).status).toBe(200);
  await story.fake.waitFor((c) => c.method === 'send' && c.conversation === personalChat('carol'));
  release();
  await story.fake.waitFor((c) => c.method === 'send' && c.conversation === personalChat('bob'));
  await story.bot.stop();

  expect(textsTo('alice')).toHaveLength(1);
  expect(textsTo('alice')[0]).toContain('incident p0');
  expect(textsTo('bob')).toHaveLength(1);
  expect(textsTo('bob')[0]).toContain('incident p0');
  expect(textsTo('carol')).toEqual([expect.stringContaining(BUSY_TEXT)]);
});
