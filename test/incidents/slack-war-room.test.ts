// A P1 through the real Slack adapter and the fake Slack Web API: the war room's name is taken so
// it becomes -2, the caller and the P1 contacts are invited by their Slack ids, the incidents channel
// gets a link, reminders reach the war room, and ack and resolve typed there work.
import { createdChannel, textOf, type FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { fastPolicy, warRoomToday } from '../support/incident-harness.js';
import { startSlackStory, type SlackStory } from '../support/slack-bot.js';

describe('a P1 on Slack', () => {
  let story: SlackStory;
  let fake: FakeSlack;
  const name = warRoomToday('report-generation-down');
  const slash = (text: string, user: string, channel: string) => story.slash(text, { user, channel });

  beforeAll(async () => {
    story = await startSlackStory({
      database: 'incidents_slack',
      policy: await fastPolicy({ p1: { updateInterval: '1s' } }),
    });
    fake = story.fake;
    fake.channels.set(name, 'C0TAKEN');
  });
  afterAll(() => story.stop());

  it('opens <name>-2, invites by Slack id, links it from #incidents, reminds, and is acknowledged and resolved there', async () => {
    expect((await slash('incident p1 Report generation down', 'U0CALLER', 'C0GENERAL')).status).toBe(200);
    const created = await fake.waitFor('conversations.create', (c) => c.params.name === `${name}-2`, 8000);
    expect(fake.callsTo('conversations.create').map((c) => c.params.name)).toEqual([name, `${name}-2`]);
    const room = createdChannel(created).id;

    const invite = await fake.waitFor('conversations.invite', (c) => c.params.channel === room);
    expect(String(invite.params.users).split(',')).toEqual(['U0CALLER', 'U0LEAD0001', 'U0ONCALL01']);
    const alert = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === room && textOf(c).includes('INCIDENT ALERT'),
    );
    expect(textOf(alert)).toContain('Incident Commander: <@U0CALLER>');
    const announced = await fake.waitFor('chat.postMessage', (c) => c.params.channel === 'C0INCIDENTS');
    expect(textOf(announced)).toContain(`War room: <#${room}>`);

    const reminders = () =>
      fake
        .callsTo('chat.postMessage')
        .filter((c) => c.params.channel === room && textOf(c).includes('Reminder: INC-1'));
    await fake.waitFor('chat.postMessage', () => reminders().length >= 2, 5000);
    expect(textOf(reminders()[0] as SlackCall)).toContain('<@U0CALLER>, it has been');

    await slash('incident ack', 'U0LEAD0001', room);
    await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === room && textOf(c).includes('acknowledged by <@U0LEAD0001>'),
    );
    await slash('incident resolve Connection pool exhausted', 'U0CALLER', room);
    const resolved = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C0INCIDENTS' && textOf(c).includes('INCIDENT RESOLVED'),
    );
    expect(textOf(resolved)).toMatch(/Duration: \d+ seconds? \(\d\d:\d\d - \d\d:\d\d UTC\)/);
  });
});
