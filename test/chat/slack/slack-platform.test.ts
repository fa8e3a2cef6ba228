// The Slack platform port against the fake Web API: channels (name_taken), topics, invitations,
// names (cached), direct messages, private messages where Slack cannot show them, and forms.
import { webApi } from '@slack/bolt';
import { SlackPlatform } from '../../../src/chat/slack/slack-platform.js';
import { textMessage } from '../../../src/chat/message.js';
import { silentLogger } from '../../../src/core/logger.js';
import { FakeSlack } from '../../support/fake-slack.js';

let fake: FakeSlack;
let platform: SlackPlatform;
let clock = 0;

beforeAll(async () => {
  fake = await FakeSlack.start();
  const client = new webApi.WebClient('xoxb-test', {
    slackApiUrl: fake.url,
    timeout: 2000,
    retryConfig: { retries: 0 },
  });
  platform = new SlackPlatform(client, silentLogger, () => clock);
});

afterAll(() => fake.stop());

describe('Slack as a chat platform', () => {
  it('creates a war-room channel, and reports name_taken when it exists', async () => {
    const created = await platform.createChannel('inc-42-reports-down');
    expect(created).toEqual({
      ok: true,
      id: expect.stringMatching(/^C/) as unknown,
      name: 'inc-42-reports-down',
    });
    expect(await platform.createChannel('inc-42-reports-down')).toEqual({ ok: false, reason: 'name_taken' });
  });

  it('turns other Slack refusals into readable errors with a hint', async () => {
    fake.failNext('chat.postMessage', 'not_in_channel');
    await expect(platform.post('C0PRIVATE', textMessage('hi'))).rejects.toMatchObject({
      code: 'TARGET_DOWN',
      message: 'Slack refused chat.postMessage: not_in_channel.',
      hint: expect.stringContaining('/invite') as unknown,
    });
  });

  it('resolves a channel name to its id, and an id to itself', async () => {
    expect(await platform.resolveChannel('#incidents')).toBe('C0INCIDENTS');
    expect(await platform.resolveChannel('C0INCIDENTS')).toBe('C0INCIDENTS');
    await expect(platform.resolveChannel('no-such-channel')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('sets the topic escaped and within 250 characters; invites people once, ignoring who is already in', async () => {
    await platform.setTopic('C0WAR', `P1 <!channel> ${'x'.repeat(400)}`);
    const topic = fake.callsTo('conversations.setTopic').at(-1)?.params.topic as string;
    expect(topic.length).toBeLessThanOrEqual(250);
    expect(topic.startsWith('P1 &lt;!channel&gt;')).toBe(true);
    fake.failNext('conversations.invite', 'already_in_channel');
    await platform.invite('C0WAR', ['U0A', 'U0B', 'U0A', '']);
    expect(fake.callsTo('conversations.invite').at(-1)?.params).toMatchObject({
      channel: 'C0WAR',
      users: 'U0A,U0B',
    });
    const before = fake.callsTo('conversations.invite').length;
    await platform.invite('C0WAR', []);
    expect(fake.callsTo('conversations.invite').length).toBe(before);
  });

  it('looks display names up once an hour', async () => {
    fake.users.set('U0DANA', 'Dana');
    expect(await platform.displayName('U0DANA')).toBe('Dana');
    expect(await platform.displayName('U0DANA')).toBe('Dana');
    expect(fake.callsTo('users.info').filter((c) => c.params.user === 'U0DANA')).toHaveLength(1);
    clock += 61 * 60 * 1000;
    fake.users.set('U0DANA', 'Dana (on call)');
    expect(await platform.displayName('U0DANA')).toBe('Dana (on call)');
    fake.failNext('users.info', 'user_not_found');
    expect(await platform.displayName('U0GONE')).toBe('U0GONE');
  });

  it('sends a direct message through conversations.open, and a private message as a DM where Slack cannot show it', async () => {
    await platform.directMessage('U0ERIN', textMessage('Escalated to you'));
    const dm = await fake.waitFor('chat.postMessage', (c) => c.params.text === 'Escalated to you');
    expect(dm.params.channel).toBe('DU0ERIN');
    fake.failNext('chat.postEphemeral', 'channel_not_found');
    await platform.postPrivate('D0OTHER', 'U0ERIN', textMessage('Only for you'));
    const fallback = await fake.waitFor('chat.postMessage', (c) => c.params.text === 'Only for you');
    expect(fallback.params.channel).toBe('DU0ERIN');
    expect(fake.callsTo('conversations.open')).toHaveLength(1); // the DM channel is remembered
  });

  it('opens a form as a modal that remembers the form action and the channel', async () => {
    await platform.openForm(
      '111.trigger',
      { title: 'Resolve the incident now please', submitLabel: 'Resolve', actionId: 'act123', fields: [] },
      'C0WAR',
    );
    const view = fake.callsTo('views.open').at(-1)?.params.view as {
      title: { text: string };
      private_metadata: string;
    };
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.parse(view.private_metadata)).toEqual({ a: 'act123', c: 'C0WAR' });
  });
});
