// Tables are code blocks in Slack, where a mention shows as a raw id: the audit log, the incident list
// and the timeline show people by display name (users.info, asked once per person thanks to the
// cache), while prose keeps real mentions.
import { textOf, type FakeSlack, type SlackCall } from '../../support/fake-slack.js';
import { startSlackStory, type SlackStory } from '../../support/slack-bot.js';

let story: SlackStory;
let fake: FakeSlack;

beforeAll(async () => {
  story = await startSlackStory();
  fake = story.fake;
  fake.users.set('U0ALICE', 'Alice Liddell');
  fake.users.set('U0LEAD0001', 'Bob Builder');
});

afterAll(() => story.stop());

/** The code blocks (tables) of a posted message, as Slack receives them. */
const tablesOf = (call: SlackCall): string =>
  ((call.params.blocks ?? []) as Array<{ type: string; text?: { text?: string } }>)
    .map((b) => b.text?.text ?? '')
    .filter((t) => t.startsWith('```'))
    .join('\n');

const lookups = (user: string) => fake.callsTo('users.info').filter((c) => c.params.user === user).length;

async function posted(text: string, user: string, channel: string, marker: string): Promise<SlackCall> {
  const before = fake.callsTo('chat.postMessage').length;
  expect((await story.slash(text, { user, channel })).status).toBe(200);
  const deadline = Date.now() + 8000;
  for (;;) {
    const found = fake
      .callsTo('chat.postMessage')
      .slice(before)
      .find((c) => c.params.channel === channel && textOf(c).includes(marker));
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no post with ${marker} in ${channel}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('people in Slack tables', () => {
  it('are shown by name in the incident list and the timeline; the alert still mentions them', async () => {
    const alert = await posted('incident p2 Exports slow', 'U0ALICE', 'C0NAMES', 'Exports slow');
    expect(textOf(alert)).toContain('Incident Commander: <@U0ALICE>');
    await story.slash('incident ack', { user: 'U0LEAD0001', channel: 'C0NAMES' });
    await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C0NAMES' && textOf(c).includes('acknowledged'),
    );

    const list = tablesOf(await posted('incident list', 'U0LEAD0001', 'C0NAMES', 'Open incidents'));
    expect(list).toMatch(/INC-\d+ +P2 .*Alice Liddell/);
    expect(list).not.toContain('U0ALICE');

    const timeline = tablesOf(await posted('incident timeline', 'U0LEAD0001', 'C0NAMES', 'Timeline of'));
    expect(timeline).toMatch(/Alice Liddell +declared/);
    expect(timeline).toMatch(/Bob Builder +acknowledged/);
    expect(timeline).not.toMatch(/U0ALICE|U0LEAD0001/);
  });

  it('are shown by name in the audit log, each looked up once however often they appear', async () => {
    const first = tablesOf(await posted('audit --since 1h', 'U0ALICE', 'C0AUDIT', 'Audit log'));
    expect(first).toContain('Alice Liddell');
    expect(first).toContain('Bob Builder');
    expect(first).not.toMatch(/U0ALICE|U0LEAD0001/);
    const again = tablesOf(await posted('audit --since 2h', 'U0LEAD0001', 'C0AUDIT', 'Audit log'));
    expect(again).toContain('Alice Liddell');
    expect([lookups('U0ALICE'), lookups('U0LEAD0001')]).toEqual([1, 1]);
  });
});
