// A private answer is tried first as one JSON call; what Slack refuses reads as before, and whatever is
// not Slack's answer (429, 5xx, a cut connection) goes through the WebClient's retries, delivered once.
import { jest } from '@jest/globals';
import { webApi } from '@slack/bolt';
import { textMessage } from '../../../src/chat/message.js';
import { SlackPlatform } from '../../../src/chat/slack/slack-platform.js';
import { webApiFirstTry } from '../../../src/chat/slack/web-api-first-try.js';
import { silentLogger } from '../../../src/core/logger.js';
import { keepAliveFetch } from '../../../src/http/keep-alive-fetch.js';
import { FakeSlack } from '../../support/fake-slack.js';

let fake: FakeSlack;
let client: webApi.WebClient;
let platform: SlackPlatform;
const http = keepAliveFetch({ timeoutMs: 5000 });

beforeAll(async () => {
  fake = await FakeSlack.start();
  client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 20 },
    fetch: http,
    logLevel: webApi.LogLevel.ERROR, // its notes on the 429s these tests provoke
  });
  platform = new SlackPlatform(client, silentLogger, Date.now, client, webApiFirstTry(client, http));
});

afterAll(() => fake.stop());

const answers = (text: string) => fake.callsTo('chat.postEphemeral').filter((c) => c.params.text === text);

describe('a private answer tried first as one JSON call', () => {
  it('reaches Slack as JSON with the bot token, once', async () => {
    await platform.postPrivate('C0OPS', 'U0ALICE', textMessage('Here is help'));
    const [call, ...more] = answers('Here is help');
    expect(more).toHaveLength(0);
    expect(call).toMatchObject({ json: true, authorized: true, status: 200 });
    expect(call?.params).toMatchObject({ channel: 'C0OPS', user: 'U0ALICE' });
    expect(JSON.stringify(call?.params.blocks)).toContain('Here is help');
  });

  it("reads Slack's refusal as the WebClient's, so the caller still gets it as a direct message", async () => {
    fake.failNext('chat.postEphemeral', 'user_not_in_channel');
    await platform.postPrivate('C0OTHER', 'U0BOB', textMessage('For Bob'));
    expect(answers('For Bob')).toHaveLength(1);
    const dm = await fake.waitFor('chat.postMessage', (c) => c.params.text === 'For Bob');
    expect(dm.params.channel).toBe('DU0BOB');
  });

  it('turns a refusal into a platform error with its Slack reason', async () => {
    const tryFirst = webApiFirstTry(client, http);
    fake.failNext('chat.postEphemeral', 'missing_scope');
    await expect(
      tryFirst('chat.postEphemeral', { channel: 'C0OPS', user: 'U0A', text: 'x' }, () =>
        Promise.reject(new Error('the WebClient must not be asked')),
      ),
    ).rejects.toBeInstanceOf(webApi.WebAPIPlatformError);
  });

  it('after HTTP 429 hands the answer to the WebClient, which waits out Retry-After: delivered once', async () => {
    fake.rateLimitNext('chat.postEphemeral', 1);
    fake.rateLimitNext('chat.postEphemeral', 1);
    await platform.postPrivate('C0OPS', 'U0CAROL', textMessage('Slow down'));
    expect(answers('Slow down').map((c) => [c.status, c.json])).toEqual([
      [429, true],
      [429, false],
      [200, false],
    ]);
  });

  it('after HTTP 429 leaves every call to the WebClient until Retry-After has passed', async () => {
    let clock = 1_000_000;
    const tryFirst = webApiFirstTry(client, http, () => clock);
    const viaClient = jest.fn(() => Promise.resolve({ ok: true }));
    const send = (text: string) =>
      tryFirst('chat.postEphemeral', { channel: 'C0OPS', user: 'U0A', text }, viaClient);
    fake.rateLimitNext('chat.postEphemeral', 5);
    await send('limited');
    clock += 4_000;
    await send('still limited');
    expect(viaClient).toHaveBeenCalledTimes(2);
    expect(answers('still limited')).toHaveLength(0);
    clock += 1_000;
    await send('free again');
    expect(viaClient).toHaveBeenCalledTimes(2);
    expect(answers('free again')).toMatchObject([{ json: true, status: 200 }]);
  });

  it('after HTTP 500 the WebClient tries again, and the answer arrives once', async () => {
    fake.fail(500, { only: ['chat.postEphemeral'] });
    const posting = platform.postPrivate('C0OPS', 'U0DAVE', textMessage('Through a blip'));
    await fake.waitFor('chat.postEphemeral', (c) => c.status === 500 && !c.json);
    fake.recover();
    await posting;
    const delivered = answers('Through a blip').filter((c) => c.status === 200);
    expect(delivered).toHaveLength(1);
    expect(answers('Through a blip')[0]).toMatchObject({ status: 500, json: true });
  });

  it('with no bot token goes straight to the WebClient', async () => {
    const tokenless = webApiFirstTry({ slackApiUrl: fake.url, token: undefined }, http);
    const before = fake.callsTo('chat.postEphemeral').length;
    await expect(tryVia(tokenless)).resolves.toEqual({ ok: true, via: 'client' });
    expect(fake.callsTo('chat.postEphemeral')).toHaveLength(before);
  });
});

const tryVia = (tryFirst: ReturnType<typeof webApiFirstTry>) =>
  tryFirst('chat.postEphemeral', { channel: 'C0OPS', user: 'U0A', text: 'x' }, () =>
    Promise.resolve({ ok: true, via: 'client' }),
  );
