// The edit of a clicked message, piece by piece: only the row of the clicked button goes, the note is
// escaped like every other text, an ephemeral message is replaced through its response_url, and a
// shared message that came without its blocks is left alone rather than wiped.
import { webApi } from '@slack/bolt';
import { clickedBlocks, markClicked, type RawBlock } from '../../../src/chat/slack/slack-clicked.js';
import type { Respond } from '../../../src/chat/slack/slack-delivery.js';
import { SlackPlatform } from '../../../src/chat/slack/slack-platform.js';
import { mention } from '../../../src/chat/message.js';
import { silentLogger } from '../../../src/core/logger.js';
import { FakeSlack } from '../../support/fake-slack.js';

const blocks: RawBlock[] = [
  { type: 'section', block_id: 's1', text: { type: 'mrkdwn', text: 'Two queries run long' } },
  {
    type: 'actions',
    block_id: 'fixes',
    elements: [
      { type: 'button', action_id: 'fix-1' },
      { type: 'button', action_id: 'fix-2' },
    ],
  },
  { type: 'context', block_id: 'c1', elements: [{ type: 'mrkdwn', text: 'Each fix needs approval.' }] },
  { type: 'actions', block_id: 'other', elements: [{ type: 'button', action_id: 'more' }] },
];

let fake: FakeSlack;
let platform: SlackPlatform;

beforeAll(async () => {
  fake = await FakeSlack.start();
  platform = new SlackPlatform(
    new webApi.WebClient('xoxb-test-token', { slackApiUrl: fake.url }),
    silentLogger,
  );
});

afterAll(() => fake.stop());

describe('the clicked message', () => {
  it('loses the row that held the clicked button, keeps the rest, and ends with the escaped note', () => {
    const edited = clickedBlocks(blocks, 'fix-2', `🛠️ ${mention('U0ALICE')} proposed <this> & @channel`);
    expect(edited.map((b) => b.block_id ?? b.type)).toEqual(['s1', 'c1', 'other', 'context']);
    expect(edited.at(-1)).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: '🛠️ <@U0ALICE> proposed &lt;this&gt; &amp; @\u2060channel' }],
    });
  });

  it('stays within 50 blocks', () => {
    const many: RawBlock[] = Array.from({ length: 50 }, (_, i) => ({ type: 'section', block_id: `b${i}` }));
    expect(clickedBlocks(many, 'absent', 'done')).toHaveLength(50);
  });

  it('is replaced through the response_url when ephemeral (Slack sends no blocks for it)', async () => {
    const sent: Array<Parameters<Respond>[0]> = [];
    const respond: Respond = (message) => {
      sent.push(message);
      return Promise.resolve();
    };
    const message = { channel: 'C0OPS', ts: '1.2', ephemeral: true };
    await markClicked(platform, message, 'fix-1', `Proposed by ${mention('U0ALICE')}`, respond, silentLogger);
    expect(sent).toEqual([
      {
        replace_original: true,
        text: 'Proposed by <@U0ALICE>',
        blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: 'Proposed by <@U0ALICE>' }] }],
      },
    ]);
    expect(fake.callsTo('chat.update')).toEqual([]);
  });

  it('is edited with chat.update when shared, and left alone when it came without its blocks', async () => {
    await markClicked(
      platform,
      { channel: 'C0OPS', ts: '1.3', ephemeral: false },
      'fix-1',
      'done',
      undefined,
      silentLogger,
    );
    expect(fake.callsTo('chat.update')).toEqual([]);
    const message = { channel: 'C0OPS', ts: '1.4', ephemeral: false, text: 'Two queries run long', blocks };
    await markClicked(platform, message, 'fix-1', 'done', undefined, silentLogger);
    const [update] = fake.callsTo('chat.update');
    expect(update?.params).toMatchObject({ channel: 'C0OPS', ts: '1.4', text: 'Two queries run long' });
    expect((update?.params.blocks as RawBlock[]).map((b) => b.block_id ?? b.type)).toEqual([
      's1',
      'c1',
      'other',
      'context',
    ]);
  });
});
