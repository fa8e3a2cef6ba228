// Any shape of neutral message built of hostile text, for the renderers' property tests (Block Kit,
// Adaptive Cards): each platform's test gives the fragments its own markup would misread.
import fc from 'fast-check';
import type { Block, Message } from '../../src/chat/message.js';

export interface HostileMessageOptions {
  /** Pieces of text the platform's markup treats specially (plus mentions, as the core writes them). */
  fragments: string[];
  /** Pieces of hostile text joined into one string, at most. */
  maxParts: number;
  /** How many times a long text repeats its hostile piece, at most. */
  maxRepeat: number;
  maxFields: number;
  maxColumns: number;
  maxRows: number;
  maxButtons: number;
  maxBlocks: number;
  /** Buttons may ask for a confirmation (Slack) or not. */
  confirmations: boolean;
}

export function hostileMessage(o: HostileMessageOptions): fc.Arbitrary<Message> {
  const hostile = fc
    .array(fc.oneof(fc.constantFrom(...o.fragments), fc.string({ maxLength: 30 })), { maxLength: o.maxParts })
    .map((parts) => parts.join(''));
  const long = fc
    .tuple(hostile, fc.integer({ min: 1, max: o.maxRepeat }))
    .map(([t, n]) => t.repeat(n).slice(0, 20_000));
  const confirm = o.confirmations
    ? fc.option(fc.record({ title: hostile, text: long, confirm: hostile, deny: hostile }), {
        nil: undefined,
      })
    : fc.constant(undefined);
  const block: fc.Arbitrary<Block> = fc.oneof(
    hostile.map((text) => ({ kind: 'header' as const, text })),
    long.map((text) => ({ kind: 'section' as const, text })),
    fc
      .array(fc.record({ label: hostile, value: long }), { maxLength: o.maxFields })
      .map((fields) => ({ kind: 'fields' as const, fields })),
    long.map((text) => ({ kind: 'code' as const, text })),
    fc
      .record({
        columns: fc.array(hostile, { minLength: 1, maxLength: o.maxColumns }),
        rows: fc.array(fc.array(hostile, { maxLength: o.maxColumns }), { maxLength: o.maxRows }),
        omitted: fc.nat(1000),
      })
      .map((t) => ({ kind: 'table' as const, ...t })),
    hostile.map((text) => ({ kind: 'context' as const, text })),
    fc.constant({ kind: 'divider' as const }),
    fc
      .array(
        fc.record({
          actionId: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
          label: hostile,
          style: fc.constantFrom(undefined, 'primary' as const, 'danger' as const),
          confirm,
        }),
        { maxLength: o.maxButtons },
      )
      .map((buttons) => ({
        kind: 'actions' as const,
        buttons: buttons.map(({ confirm: c, ...b }) => (c === undefined ? b : { ...b, confirm: c })),
      })),
  );
  return fc.record({ text: long, blocks: fc.array(block, { maxLength: o.maxBlocks }) });
}
