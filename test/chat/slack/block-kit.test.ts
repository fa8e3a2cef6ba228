// What people see in Slack for each part of a message: escaped text, real mentions, code that stays
// code, tables in aligned columns, buttons with confirmations, and long output cut with a clear line.
import type { types } from '@slack/bolt';
import { renderMessage } from '../../../src/chat/slack/block-kit.js';
import { channelRef, mention, type Message } from '../../../src/chat/message.js';
import { deepFreeze } from '../../../src/core/deep-freeze.js';

type Block = types.KnownBlock;
const sectionText = (b: Block | undefined): string => (b?.type === 'section' && b.text ? b.text.text : '');
const contextText = (b: Block | undefined): string =>
  b?.type === 'context' ? JSON.stringify(b.elements) : '';

describe('Block Kit rendering', () => {
  it('renders each kind of block as its Slack counterpart', () => {
    const { blocks, text } = renderMessage({
      text: 'Incident P1',
      blocks: [
        { kind: 'header', text: 'Incident P1' },
        { kind: 'section', text: 'Report generation is down' },
        {
          kind: 'fields',
          fields: [
            { label: 'Severity', value: 'P1' },
            { label: 'Owner', value: mention('U0ALICE') },
          ],
        },
        { kind: 'code', text: 'SELECT 1;' },
        { kind: 'context', text: 'Declared 2 minutes ago' },
        { kind: 'divider' },
      ],
    });
    expect(text).toBe('Incident P1');
    expect(blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'context',
      'divider',
    ]);
    expect(blocks[2]).toMatchObject({
      fields: [
        { type: 'mrkdwn', text: '*Severity*\nP1' },
        { type: 'mrkdwn', text: '*Owner*\n<@U0ALICE>' },
      ],
    });
    expect(sectionText(blocks[3])).toBe('```\nSELECT 1;\n```');
  });

  it('escapes &, < and > once, then turns mention tokens into real mentions', () => {
    const { blocks } = renderMessage({
      text: 'x',
      blocks: [
        {
          kind: 'section',
          text: `a & b <c> ${mention('U0BOB')} in ${channelRef('C0WAR')} <!channel> <http://evil|click>`,
        },
      ],
    });
    expect(sectionText(blocks[0])).toBe(
      'a &amp; b &lt;c&gt; <@U0BOB> in <#C0WAR> &lt;!channel&gt; &lt;http://evil|click&gt;',
    );
  });

  it('defuses @channel, @here and @everyone typed as words', () => {
    const { blocks } = renderMessage({
      text: 'x',
      blocks: [{ kind: 'section', text: 'ping @channel and @here, @Everyone' }],
    });
    expect(sectionText(blocks[0])).not.toMatch(/@(channel|here|everyone)\b/i);
    expect(sectionText(blocks[0])).toContain('ping @\u2060channel');
  });

  it('renders a mention token whose id is not a Slack id as plain text', () => {
    const { blocks } = renderMessage({
      text: 'x',
      blocks: [{ kind: 'section', text: `by ${mention('<!here>')}` }],
    });
    expect(sectionText(blocks[0])).toBe('by @&lt;!here&gt;');
  });

  it('keeps code inside its block even when the code contains ```', () => {
    const { blocks } = renderMessage({ text: 'x', blocks: [{ kind: 'code', text: 'a\n```\n*bold*' }] });
    const code = sectionText(blocks[0]);
    expect(code.startsWith('```\n') && code.endsWith('\n```')).toBe(true);
    expect(code.slice(3, -3)).not.toContain('```');
  });

  it('renders a table as aligned columns in a code block, with the rows left out counted', () => {
    const { blocks } = renderMessage({
      text: 'x',
      blocks: [
        {
          kind: 'table',
          columns: ['pid', 'state'],
          rows: [
            ['1', 'active'],
            ['12345', 'idle in transaction'],
          ],
          omitted: 7,
        },
      ],
    });
    expect(sectionText(blocks[0])).toBe(
      [
        '```',
        'pid    state',
        '-----  -------------------',
        '1      active',
        '12345  idle in transaction',
        '```',
      ].join('\n'),
    );
    expect(contextText(blocks[1])).toContain('… 7 more rows');
  });

  it('spreads a long table over sections of at most 3000 characters and cuts it with "… N more rows"', () => {
    const rows = Array.from({ length: 3000 }, (_, i) => [String(i), 'x'.repeat(40)]);
    const { blocks } = renderMessage({
      text: 'x',
      blocks: [{ kind: 'table', columns: ['n', 'value'], rows }],
    });
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(blocks).length).toBeLessThanOrEqual(40_000);
    const shownRows = blocks
      .map(sectionText)
      .join('\n')
      .split('\n')
      .filter((l) => /^\d+ /.test(l)).length;
    expect(shownRows).toBeGreaterThan(100);
    expect(contextText(blocks.at(-1))).toContain(`… ${3000 - shownRows} more rows`);
  });

  it('never cuts the buttons, however long the output above them', () => {
    const { blocks } = renderMessage({
      text: 'x',
      blocks: [
        { kind: 'header', text: 'Plan' },
        {
          kind: 'code',
          text: Array.from({ length: 5000 }, (_, i) => `line ${i} ${'y'.repeat(30)}`).join('\n'),
        },
        { kind: 'section', text: 'after the code' },
        { kind: 'actions', buttons: [{ actionId: 'abc123', label: 'Approve', style: 'primary' }] },
      ],
    });
    expect(blocks[0]?.type).toBe('header');
    expect(blocks.at(-1)?.type).toBe('actions');
    expect(contextText(blocks.at(-2))).toMatch(/… \d+ more lines; 1 more block left out/);
  });

  it('gives a danger button a confirmation dialog, and cuts labels to Slack lengths', () => {
    const message: Message = {
      text: 'x',
      blocks: [
        { kind: 'header', text: 'h'.repeat(400) },
        {
          kind: 'actions',
          buttons: [
            { actionId: 'id1', label: 'Terminate backend 4242', style: 'danger' },
            { actionId: 'id2', label: 'L'.repeat(200) },
          ],
        },
      ],
    };
    const { blocks } = renderMessage(message);
    expect(blocks[0]?.type === 'header' && blocks[0].text.text.length).toBe(150);
    const actions = blocks[1];
    if (actions?.type !== 'actions') throw new Error('expected actions');
    const [danger, long] = actions.elements as types.Button[];
    expect(danger?.confirm).toMatchObject({
      style: 'danger',
      confirm: { text: 'Terminate backend 4242' },
      deny: { text: 'Cancel' },
    });
    expect(long?.text.text.length).toBe(75);
    expect(long?.confirm).toBeUndefined();
  });

  it('uses the first readable text as the notification text', () => {
    expect(renderMessage({ text: '  ', blocks: [{ kind: 'header', text: 'Approval needed' }] }).text).toBe(
      'Approval needed',
    );
    expect(renderMessage({ text: '', blocks: [] }).text).toBe('oatie-ops');
  });

  it('renders a shared (frozen) message as a fresh one would, and no caller can change it for the next', () => {
    const build = (): Message => ({
      text: 'oatie-ops commands',
      blocks: [
        { kind: 'header', text: 'oatie-ops commands' },
        { kind: 'code', text: 'help [topic] — this list' },
      ],
    });
    const shared = deepFreeze(build());
    const first = renderMessage(shared);
    expect(first).toEqual(renderMessage(build()));
    expect(() => first.blocks.push({ type: 'divider' })).toThrow(TypeError);
    expect(renderMessage(shared)).toEqual(renderMessage(build()));
  });
});
