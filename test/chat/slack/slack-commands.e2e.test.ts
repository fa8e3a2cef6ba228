// /oatie in Slack, end to end: signed slash commands reach the real Bolt app, are acked within
// Slack's 3 seconds, and their answers reach the (fake) Web API — privately or in the channel.
import { textOf, type FakeSlack } from '../../support/fake-slack.js';
import { startSlackStory, type RunningSlackBot, type SlackStory } from '../../support/slack-bot.js';

let story: SlackStory;
let fake: FakeSlack;
let slack: RunningSlackBot;

beforeAll(async () => {
  story = await startSlackStory();
  ({ fake, slack } = story);
});

afterAll(() => story.stop());

async function oatie(text: string, user = 'U0ALICE') {
  const answer = await story.slash(text, { user });
  expect(answer.status).toBe(200);
  return answer;
}

describe('/oatie in Slack', () => {
  it('answers `help` privately to the caller', async () => {
    await oatie('help', 'U0HELPER');
    const call = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0HELPER');
    expect(call.params.channel).toBe('C0GENERAL');
    expect(textOf(call)).toContain('oatie-ops commands');
    expect(call.authorized).toBe(true);
  });

  it('tells the caller privately when a command is unknown, with a suggestion', async () => {
    await oatie('halp', 'U0TYPO');
    const call = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0TYPO');
    expect(textOf(call)).toContain('help');
    expect(fake.callsTo('chat.postMessage').some((c) => c.params.user === 'U0TYPO')).toBe(false);
  });

  it('posts `audit` in the channel for everyone, escaped for mrkdwn', async () => {
    await oatie('audit --since 1h', 'U0AUDITOR');
    const call = await fake.waitFor('chat.postMessage', (c) => textOf(c).includes('Audit log'));
    expect(call.params.channel).toBe('C0GENERAL');
    expect(textOf(call)).toContain('```');
  });

  it('answers `auth token` privately and never repeats the token anywhere', async () => {
    const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const signature = 'c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1sZWFr';
    const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'alice', exp: 1 })}.${signature}`;
    const answer = await oatie(`auth token ${jwt}`, 'U0TOKEN');
    expect(answer.body).toContain('Working on it'); // a diagnostic: the ack says it was heard
    const call = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0TOKEN');
    expect(textOf(call)).toContain('expired');
    expect(JSON.stringify(fake.calls)).not.toContain(signature);
  });

  it('acks at once even when the answer is slow to deliver (Slack rate-limits the post)', async () => {
    fake.rateLimitNext('chat.postMessage', 2);
    const before = fake.callsTo('chat.postMessage').length;
    await oatie('audit --since 2h', 'U0PATIENT');
    // The ack came back while the answer was still held by Slack's Retry-After: nothing posted yet.
    expect(
      fake
        .callsTo('chat.postMessage')
        .slice(before)
        .filter((c) => c.status === 200),
    ).toEqual([]);
    // The first post is answered 429 with Retry-After: 2; the WebClient waits and posts again.
    const landed = await fake.waitFor(
      'chat.postMessage',
      (c) => c.status === 200 && textOf(c).includes('last 2h'),
      8000,
    );
    const attempts = fake
      .callsTo('chat.postMessage')
      .slice(before)
      .filter((c) => textOf(c).includes('last 2h'));
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(landed.params.channel).toBe('C0GENERAL');
  });

  it('reports commands in /metrics and answers /health; anything else is 404', async () => {
    const health = await fetch(`${slack.baseUrl}/health`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${slack.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/oatie_commands_total\{command="help",outcome="ok"\} \d/);
    expect(metrics).toMatch(/oatie_commands_total\{command="unparsed",outcome="UNKNOWN_COMMAND"\} \d/);
    expect(metrics).toContain('oatie_command_duration_seconds_bucket');
    expect((await fetch(`${slack.baseUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${slack.baseUrl}/slack/events`)).status).toBe(404); // GET: Slack only POSTs
  });
});
