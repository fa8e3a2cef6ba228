// Teams, driven over HTTP as Teams drives it: activities POSTed to /api/messages, the bot's answers
// read from the fake Bot Framework connector.
import { cardOf, cardText } from '../../support/fake-teams.js';
import {
  GENERAL_CHANNEL,
  PEOPLE,
  activity,
  personalChat,
  postActivity,
  startTeamsStory,
  type TeamsStory,
} from '../../support/teams-bot.js';

let story: TeamsStory;

beforeAll(async () => {
  story = await startTeamsStory();
});
afterAll(async () => {
  await story.stop();
});

describe('commands typed to the bot in Teams', () => {
  it('answers a command in a personal chat with an Adaptive Card', async () => {
    const posted = await story.say('help incident');
    expect(posted.status).toBe(200);
    const reply = await story.fake.waitFor(
      (c) => c.method === 'send' && c.conversation === personalChat('alice'),
    );
    const card = cardOf(reply.body);
    expect(card.type).toBe('AdaptiveCard');
    expect(cardText(card)).toContain('incident p0');
  });

  it('answers a command typed in a channel in the thread it was typed in, for everyone', async () => {
    const thread = `${GENERAL_CHANNEL};messageid=1699999999001`;
    await story.say('incident list', 'bob', thread);
    const reply = await story.fake.waitFor((c) => c.method === 'send' && c.conversation === thread);
    expect(cardText(cardOf(reply.body))).toMatch(/incident/i);
  });

  it('sends private answers (an unknown command) to the person’s personal chat, never to the channel', async () => {
    const thread = `${GENERAL_CHANNEL};messageid=1699999999002`;
    const before = story.fake.calls.length;
    await story.say('db conections', 'bob', thread);
    const reply = await story.fake.waitFor(
      (c) =>
        c.method === 'send' &&
        c.conversation === personalChat('bob') &&
        story.fake.calls.indexOf(c) >= before,
    );
    expect(cardText(cardOf(reply.body))).toContain('db connections');
    expect(story.fake.calls.slice(before).some((c) => c.conversation === thread)).toBe(false);
  });

  it('answers a message that is only a mention with how to type a command', async () => {
    const before = story.fake.calls.length;
    await story.say('', 'alice', `${GENERAL_CHANNEL};messageid=1699999999003`);
    const reply = await story.fake.waitFor(
      (c) =>
        c.method === 'send' &&
        c.conversation === personalChat('alice') &&
        story.fake.calls.indexOf(c) >= before,
    );
    expect(cardText(cardOf(reply.body))).toContain('Type a command after the mention');
  });

  it('answers a very long message with a clear refusal', async () => {
    const before = story.fake.calls.length;
    const posted = await story.say(`incident p1 ${'x'.repeat(20_000)}`, 'alice');
    expect(posted.status).toBe(200);
    const reply = await story.fake.waitFor(
      (c) =>
        c.method === 'send' &&
        c.conversation === personalChat('alice') &&
        story.fake.calls.indexOf(c) >= before,
    );
    expect(cardText(cardOf(reply.body))).toMatch(/too long/i);
  });

  it('escapes what people type: Markdown from a message stays literal on the card', async () => {
    const before = story.fake.calls.length;
    await story.say('db *bold* [x](http://evil)', 'alice');
    const reply = await story.fake.waitFor(
      (c) =>
        c.method === 'send' &&
        c.conversation === personalChat('alice') &&
        story.fake.calls.indexOf(c) >= before,
    );
    const text = cardText(cardOf(reply.body));
    expect(text).not.toMatch(/[^\\]\*bold\*/);
    expect(text).not.toContain('[x](http://evil)');
  });
});

describe('a message Teams delivers twice', () => {
  it('is acted on once', async () => {
    const message = activity('message', 'carol', { conversation: personalChat('carol') }, story.fake.url, {
      text: 'help incident',
    });
    expect((await postActivity(story.url, message)).status).toBe(200);
    expect((await postActivity(story.url, message)).status).toBe(200);
    await story.fake.waitFor((c) => c.conversation === personalChat('carol'));
    // A later, different message is answered: by then the repeated one would have been too.
    await story.say('help', 'carol');
    await story.fake.waitFor(
      (c) =>
        c.conversation === personalChat('carol') && cardText(cardOf(c.body)).includes('oatie-ops commands'),
      15_000,
    );
    const answers = story.fake.calls.filter((c) => c.conversation === personalChat('carol'));
    expect(answers).toHaveLength(2);
  });
});

describe('bad input at /api/messages', () => {
  it('answers a garbage body with 400 and keeps serving', async () => {
    expect((await postActivity(story.url, '{not json')).status).toBe(400);
    expect((await postActivity(story.url, '[1,2]')).status).toBe(400);
    expect((await postActivity(story.url, { hello: 'world' })).status).toBeLessThan(500);
    const again = await story.say('help');
    expect(again.status).toBe(200);
  });

  it('answers activity types it does not handle, and unknown invokes, with a quiet 200', async () => {
    const typing = activity('typing', 'alice', { conversation: personalChat('alice') }, story.fake.url);
    expect((await postActivity(story.url, typing)).status).toBe(200);
    const invoke = activity('invoke', 'alice', { conversation: personalChat('alice') }, story.fake.url, {
      name: 'composeExtension/query',
      value: {},
    });
    expect((await postActivity(story.url, invoke)).status).toBe(200);
    const odd = activity('invoke', 'alice', { conversation: personalChat('alice') }, story.fake.url, {
      name: 'adaptiveCard/action',
      value: { nothing: true },
    });
    const answer = await postActivity(story.url, odd);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('not one this bot knows');
  });

  it('refuses activities of another tenant when the app is single-tenant', async () => {
    const single = await startTeamsStory({
      env: { MICROSOFT_APP_TENANT_ID: 'a0000000-0000-4000-8000-00000000000a' },
    });
    try {
      const message = activity('message', 'alice', { conversation: personalChat('alice') }, single.fake.url, {
        text: 'help',
      });
      const answer = await postActivity(single.url, message);
      expect(answer.status).toBe(200);
      const invoke = activity(
        'invoke',
        'mallory',
        { conversation: personalChat('mallory') },
        single.fake.url,
        {
          name: 'adaptiveCard/action',
          value: { action: { type: 'Action.Execute', verb: 'oatie.action', data: { actionId: 'x' } } },
        },
      );
      expect((await postActivity(single.url, invoke)).status).toBe(403);
      // A message from the right tenant is answered, which shows the refused one was not just slow.
      await postActivity(
        single.url,
        activity(
          'message',
          'bob',
          { conversation: personalChat('bob'), tenant: 'a0000000-0000-4000-8000-00000000000a' },
          single.fake.url,
          { text: 'help' },
        ),
      );
      await single.fake.waitFor((c) => c.conversation === personalChat('bob'));
      expect(single.fake.calls.some((c) => c.conversation === personalChat('alice'))).toBe(false);
      expect(PEOPLE.alice.aad).toBeDefined();
    } finally {
      await single.stop();
    }
  });
});
