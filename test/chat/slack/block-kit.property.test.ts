// Hostile text, any shape of message: the Block Kit renderer never lets a broadcast (<!channel>,
// <!here>, @channel …) or a disguised link through, and never breaks a Slack limit.
import fc from 'fast-check';
import type { types } from '@slack/bolt';
import { renderMessage } from '../../../src/chat/slack/block-kit.js';
import { channelRef, mention } from '../../../src/chat/message.js';
import { hostileMessage } from '../../support/message-arbitrary.js';

const FRAGMENTS = [
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<http://evil.example|your bank>',
  '<https://x.y>',
  '<@U0ADMIN>',
  '<#C0ALL>',
  '@channel',
  '@here',
  '@everyone',
  '&',
  '&amp;',
  '&lt;',
  '<',
  '>',
  '|',
  '```',
  '`',
  '*',
  '_',
  '~',
  '\n',
  '\t',
  ' ',
  '\u0001user:<!channel>\u0002',
  '\u0001user:U0OK\u0002',
  '\u0001channel:<http://x|y>\u0002',
  '\u0001',
  '\u0002',
  'é',
  '🚨',
  '\u202e',
  'x'.repeat(500),
];
const message = hostileMessage({
  fragments: [...FRAGMENTS, mention('U0BOB'), channelRef('C0WAR')],
  maxParts: 40,
  maxRepeat: 200,
  maxFields: 25,
  maxColumns: 6,
  maxRows: 300,
  maxButtons: 40,
  maxBlocks: 70,
  confirmations: true,
});

/** Every string in the rendered output, with the key it sits under. */
function strings(value: unknown, key = ''): Array<[string, string]> {
  if (typeof value === 'string') return [[key, value]];
  if (Array.isArray(value)) return value.flatMap((v) => strings(v, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, k));
  return [];
}

function checkLimits(blocks: types.KnownBlock[]): void {
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) {
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    if (b.type === 'section') {
      expect(b.text === undefined || (b.text.text.length <= 3000 && b.text.text.trim().length > 0)).toBe(
        true,
      );
      expect((b.fields ?? []).length).toBeLessThanOrEqual(10);
      for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(2000);
    }
    if (b.type === 'context')
      for (const e of b.elements) expect('text' in e ? e.text.length : 0).toBeLessThanOrEqual(3000);
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(25);
      for (const e of b.elements as types.Button[]) {
        expect(e.text.text.length).toBeGreaterThan(0);
        expect(e.text.text.length).toBeLessThanOrEqual(75);
        expect((e.value ?? '').length).toBeLessThanOrEqual(2000);
        expect((e.action_id ?? '').length).toBeLessThanOrEqual(255);
        if (e.confirm) {
          expect(e.confirm.title?.text.length ?? 0).toBeLessThanOrEqual(100);
          expect(e.confirm.text.text.length).toBeLessThanOrEqual(300);
          expect(e.confirm.confirm?.text.length ?? 0).toBeLessThanOrEqual(30);
          expect(e.confirm.deny?.text.length ?? 0).toBeLessThanOrEqual(30);
        }
      }
    }
  }
}

describe('Block Kit rendering of hostile text', () => {
  it('never produces a broadcast or a disguised link, and stays within every Slack limit', () => {
    fc.assert(
      fc.property(message, (m) => {
        const { text, blocks } = renderMessage(m);
        expect(JSON.stringify(blocks).length + text.length).toBeLessThanOrEqual(40_000);
        checkLimits(blocks);
        for (const [key, s] of strings({ text, blocks })) {
          if (key === 'action_id' || key === 'value' || key === 'type' || key === 'style') continue;
          expect(s).not.toMatch(/<!/);
          expect(s).not.toMatch(/<https?:/i);
          expect(s).not.toMatch(/@(channel|here|everyone)/i);
          // The only markup left is a mention of a real-looking id.
          expect(s.replace(/<[@#][A-Z0-9]+>/g, '')).not.toMatch(/[<>]/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
