// Bot Framework authentication is on whenever the app id and password are set: a request that does
// not carry the connector's signed token is refused with 401 and nothing runs.
import {
  activity,
  personalChat,
  postActivity,
  startTeamsStory,
  type TeamsStory,
} from '../../support/teams-bot.js';

let story: TeamsStory;

beforeAll(async () => {
  story = await startTeamsStory({
    env: {
      TEAMS_ALLOW_UNAUTHENTICATED: 'false',
      MICROSOFT_APP_ID: '0b0e0000-0000-4000-8000-0000000000b0',
      MICROSOFT_APP_PASSWORD: 'test-password-not-a-secret',
    },
  });
});
afterAll(async () => {
  await story.stop();
});

it('refuses an unsigned activity with 401 and does not act on it', async () => {
  expect(story.bot.authenticated).toBe(true);
  const message = activity('message', 'alice', { conversation: personalChat('alice') }, story.fake.url, {
    text: 'incident p1 Unsigned request must not declare this',
  });
  const answer = await postActivity(story.url, message);
  expect(answer.status).toBe(401);
  const forged = await postActivity(story.url, message, { authorization: 'Bearer not-a-token' });
  expect(forged.status).toBe(401);
  expect(story.fake.calls).toEqual([]);
  expect((await story.db.query('SELECT 1 FROM incidents')).rows).toEqual([]);
});
