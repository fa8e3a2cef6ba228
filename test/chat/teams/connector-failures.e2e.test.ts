// The connector failing for real: a 429 with Retry-After is waited out and the answer still arrives;
// a connector that keeps failing makes the send fail with the HTTP status and Retry-After, so a
// retrying sender (the outbox) can decide what to do.
import { TeamsDeliveryError } from '../../../src/chat/teams/teams-errors.js';
import { textMessage } from '../../../src/chat/message.js';
import { cardOf, cardText } from '../../support/fake-teams.js';
import { personalChat, startTeamsStory, type TeamsStory } from '../../support/teams-bot.js';

let story: TeamsStory;

beforeAll(async () => {
  story = await startTeamsStory();
  await story.say('help', 'alice'); // the bot learns where alice's chat is
  await story.fake.waitFor((c) => c.conversation === personalChat('alice'));
});
afterAll(async () => {
  await story.stop();
});

it('waits out a 429 with Retry-After and delivers the answer', async () => {
  const before = story.fake.calls.length;
  story.fake.failNext(429, 1, '1');
  await story.say('help incident', 'alice');
  const reply = await story.fake.waitFor(
    (c) =>
      story.fake.calls.indexOf(c) >= before &&
      c.method === 'send' &&
      cardText(cardOf(c.body)).includes('Help: incident'),
  );
  const attempts = story.fake.calls.slice(before).filter((c) => c.conversation === personalChat('alice'));
  expect(attempts.map((c) => c.status)).toEqual([429, 200]);
  expect((reply.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(900);
});

it('fails a send the connector keeps refusing with its status and Retry-After', async () => {
  story.fake.failNext(503, 10, '1');
  const sent = story.bot.platform.post(personalChat('alice'), textMessage('never arrives'));
  await expect(sent).rejects.toBeInstanceOf(TeamsDeliveryError);
  const error = (await sent.catch((e: unknown) => e)) as TeamsDeliveryError;
  expect(error.status).toBe(503);
  expect(error.retryAfterMs).toBe(1000);
  expect(error.retryable).toBe(true);
}, 60_000);
