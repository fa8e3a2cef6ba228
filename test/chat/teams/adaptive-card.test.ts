// The Adaptive Card renderer against the schema's rules Teams enforces: known element and action
// types only, every required field present, mentions backed by entities, and the whole card within
// Teams' message size, whatever the core (or a user's text inside it) throws at it.
import fc from 'fast-check';
import { CARD_LIMITS, renderCard, type AdaptiveCard } from '../../../src/chat/teams/adaptive-card.js';
import { escapeCardMarkdown } from '../../../src/chat/teams/card-text.js';
import { mention } from '../../../src/chat/message.js';
import { hostileMessage } from '../../support/message-arbitrary.js';

const ELEMENTS = new Set(['TextBlock', 'FactSet', 'ActionSet']);
const ACTIONS = new Set(['Action.Execute', 'Action.ShowCard']);
const ALICE = '6f1a0001-0000-4000-8000-000000000001';

/** Checks one card as the Adaptive Card 1.4 schema and Teams would; returns the problems found. */
function schemaProblems(card: AdaptiveCard, path = 'card'): string[] {
  const problems: string[] = [];
  if (card.type !== 'AdaptiveCard') problems.push(`${path}.type`);
  if (card.version !== '1.4') problems.push(`${path}.version`);
  if (!Array.isArray(card.body)) return [...problems, `${path}.body`];
  card.body.forEach((element, i) => {
    const at = `${path}.body[${i}]`;
    if (!ELEMENTS.has(element.type)) problems.push(`${at}.type ${element.type}`);
    if (element.type === 'TextBlock' && (typeof element.text !== 'string' || element.text === ''))
      problems.push(`${at}.text`);
    if (element.type === 'FactSet') {
      if (element.facts.length === 0) problems.push(`${at}.facts empty`);
      for (const f of element.facts)
        if (typeof f.title !== 'string' || typeof f.value !== 'string' || f.value === '')
          problems.push(`${at}.fact`);
    }
    if (element.type === 'ActionSet') {
      if (element.actions.length === 0 || element.actions.length > 6) problems.push(`${at}.actions count`);
      element.actions.forEach((action, j) => {
        const aat = `${at}.actions[${j}]`;
        if (!ACTIONS.has(action.type)) problems.push(`${aat}.type`);
        if (!action.title) problems.push(`${aat}.title`);
        if (action.type === 'Action.Execute' && (!action.verb || !action.data.actionId))
          problems.push(`${aat}.verb/data`);
        if (action.type === 'Action.ShowCard') problems.push(...schemaProblems(action.card, `${aat}.card`));
      });
    }
  });
  return problems;
}

const bytes = (card: AdaptiveCard) => Buffer.byteLength(JSON.stringify(card), 'utf8');

const message = hostileMessage({
  fragments: [
    '*',
    '_',
    '[x](http://evil)',
    '# ',
    '- ',
    '1. ',
    '<at>Alice</at>',
    '\\',
    '`',
    '\n',
    '🚨',
    'é',
    '"',
    'x'.repeat(300),
    mention(ALICE),
  ],
  maxParts: 30,
  maxRepeat: 100,
  maxFields: 40,
  maxColumns: 5,
  maxRows: 400,
  maxButtons: 12,
  maxBlocks: 40,
  confirmations: false,
});

describe('Adaptive Cards for Teams', () => {
  it('renders every kind of block with the schema’s element types and required fields', () => {
    const { card, summary } = renderCard({
      text: 'Fix awaiting approval',
      blocks: [
        { kind: 'header', text: 'Fix awaiting approval' },
        { kind: 'section', text: `Requested by ${mention(ALICE)}` },
        { kind: 'fields', fields: [{ label: 'Risk', value: 'low' }] },
        { kind: 'code', text: 'SELECT 1' },
        { kind: 'table', columns: ['pid', 'state'], rows: [['1', 'active']] },
        { kind: 'divider' },
        { kind: 'context', text: 'expires soon' },
        {
          kind: 'actions',
          buttons: [
            { actionId: 'a1', label: 'Approve', style: 'primary' },
            { actionId: 'a2', label: 'Reject', style: 'danger' },
          ],
        },
      ],
    });
    expect(schemaProblems(card)).toEqual([]);
    expect(summary).toBe('Fix awaiting approval');
    expect(card.body.map((e) => e.type)).toEqual([
      'TextBlock',
      'TextBlock',
      'FactSet',
      'TextBlock',
      'TextBlock',
      'TextBlock',
      'ActionSet',
    ]);
    // The mention is a real Teams mention: its <at> text is backed by an entity naming the person.
    expect(card.msteams?.entities).toEqual([
      { type: 'mention', text: `<at>${ALICE}</at>`, mentioned: { id: ALICE, name: ALICE } },
    ]);
    // The divider draws a separator above what follows it.
    expect(card.body[5]).toMatchObject({ separator: true });
    // A dangerous button asks first.
    const actions = card.body[6]?.type === 'ActionSet' ? card.body[6].actions : [];
    expect(actions.map((a) => a.type)).toEqual(['Action.Execute', 'Action.ShowCard']);
  });

  it('names people in mentions with the names it is given', () => {
    const { card } = renderCard(
      { text: 'x', blocks: [{ kind: 'section', text: `Paging ${mention(ALICE)}` }] },
      new Map([[ALICE, 'Alice Example']]),
    );
    expect(JSON.stringify(card.body)).toContain('<at>Alice Example</at>');
    expect(card.msteams?.entities?.[0]?.mentioned).toEqual({ id: ALICE, name: 'Alice Example' });
  });

  it('escapes the card Markdown subset so typed text stays literal', () => {
    expect(escapeCardMarkdown('*bold* _it_ [a](http://x) `c` ~s~')).toBe(
      '\\*bold\\* \\_it\\_ \\[a\\]\\(http://x\\) \\`c\\` \\~s\\~',
    );
    expect(escapeCardMarkdown('# title\n- item\n1. first\n> quote')).toBe(
      '\\# title\n\\- item\n1\\. first\n\\> quote',
    );
    // A typed <at> cannot bind to a mention entity of the card.
    expect(escapeCardMarkdown('<at>Alice</at>')).not.toContain('<at>');
  });

  it('cuts a long table with “… N more rows” and keeps the buttons', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => [String(i), 'idle in transaction', 'x'.repeat(40)]);
    const { card } = renderCard({
      text: 'many',
      blocks: [
        { kind: 'header', text: 'Connections' },
        { kind: 'table', columns: ['pid', 'state', 'query'], rows },
        { kind: 'section', text: 'after the table' },
        { kind: 'actions', buttons: [{ actionId: 'a1', label: 'Terminate' }] },
      ],
    });
    expect(schemaProblems(card)).toEqual([]);
    expect(bytes(card)).toBeLessThanOrEqual(CARD_LIMITS.cardBytes);
    const text = JSON.stringify(card.body);
    expect(text).toMatch(/… \d+ more rows; 1 more block left out/);
    const shownRows = (card.body[1]?.type === 'TextBlock' ? card.body[1].text : '').split('\n').length - 2;
    expect(text).toContain(`… ${5000 - shownRows} more rows`);
    expect(card.body.at(-1)?.type).toBe('ActionSet');
  });

  it('a block of code cut so that only blank lines would show is left out, not sent as an empty TextBlock', () => {
    // Found by the property below: the first line fits the card, and it is empty.
    const { card } = renderCard({ text: 'log', blocks: [{ kind: 'code', text: `\n${'y'.repeat(30_000)}` }] });
    expect(schemaProblems(card)).toEqual([]);
    expect(JSON.stringify(card.body)).toMatch(/… 2 more lines/);
  });

  it('never breaks the schema or the size limit, whatever the message holds', () => {
    fc.assert(
      fc.property(message, (m) => {
        const { card } = renderCard(m);
        expect(schemaProblems(card)).toEqual([]);
        expect(bytes(card)).toBeLessThanOrEqual(CARD_LIMITS.cardBytes);
        // Every entity's text is on the card (Teams refuses an entity whose text is missing).
        const text = JSON.stringify(card.body);
        for (const e of card.msteams?.entities ?? [])
          expect(text).toContain(JSON.stringify(e.text).slice(1, -1));
      }),
      { numRuns: 150 },
    );
  });
});
