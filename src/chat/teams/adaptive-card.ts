// Renders the neutral message model as an Adaptive Card (schema 1.4, Teams' universal actions):
// headings and paragraphs as TextBlocks, fields as a FactSet, code and tables as monospace
// TextBlocks (tables aligned as in the console), buttons as Action.Execute. The card stays within
// Teams' message size: long code and tables are cut by line with "… N more rows", later blocks
// are left out with a count; headers and buttons are kept whatever else is cut.
import { splitMentions, type Block, type Button, type Field, type Message } from '../message.js';
import { alignColumns } from '../text-table.js';
import { CardText, monospaceLine, type MentionEntity } from './card-text.js';

export const CARD_LIMITS = {
  /**
   * Teams refuses a message of more than about 28 KB (card, entities and envelope together); the card's
   * JSON is kept under this many UTF-8 bytes, which leaves room for the rest.
   */
  cardBytes: 24_000,
  /** Teams shows at most 6 actions in a row; 5 keeps the row readable. */
  actionsPerSet: 5,
  headerChars: 200,
  textChars: 4000,
  factTitleChars: 100,
  factValueChars: 1000,
  facts: 30,
  buttonTitleChars: 60,
  /** The notification (summary) text. */
  summaryChars: 300,
} as const;

/** The verb of every button: the stored action id travels in `data`, never in the verb. */
export const ACTION_VERB = 'oatie.action';

export type CardAction =
  | {
      type: 'Action.Execute';
      title: string;
      verb: string;
      data: { actionId: string };
      style?: 'positive' | 'destructive';
    }
  | { type: 'Action.ShowCard'; title: string; style?: 'destructive'; card: AdaptiveCard };

export type CardElement =
  | {
      type: 'TextBlock';
      text: string;
      wrap: true;
      size?: 'Small' | 'Large';
      weight?: 'Bolder';
      isSubtle?: boolean;
      fontType?: 'Monospace';
      separator?: boolean;
      spacing?: 'None' | 'Small';
    }
  | { type: 'FactSet'; facts: Array<{ title: string; value: string }>; separator?: boolean }
  | { type: 'ActionSet'; actions: CardAction[]; separator?: boolean };

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema?: string;
  version: '1.4';
  body: CardElement[];
  msteams?: { width: 'Full'; entities?: MentionEntity[] };
}

export interface RenderedCard {
  card: AdaptiveCard;
  /** Notification text (plain). */
  summary: string;
}

const SCHEMA = 'http://adaptivecards.io/schemas/adaptive-card.json';
const bytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value), 'utf8');
const plural = (n: number, noun: string) => `${n} more ${noun}${n === 1 ? '' : 's'}`;

/** One neutral block, rendered; code and tables keep their lines apart so the layout can cut them. */
interface Unit {
  elements: CardElement[];
  keep: boolean;
  lines?: { head: string[]; body: string[]; noun: 'row' | 'line'; omitted: number };
}

const textBlock = (text: string, extra: Partial<Extract<CardElement, { type: 'TextBlock' }>> = {}) =>
  ({ type: 'TextBlock', text, wrap: true, ...extra }) as const satisfies CardElement;
const note = (text: string): CardElement => textBlock(text, { isSubtle: true, size: 'Small' });
const monospace = (lines: string[]): CardElement =>
  textBlock(lines.join('\n'), { fontType: 'Monospace', spacing: 'Small' });

function factsUnit(fields: Field[], t: CardText): Unit {
  const shown = fields.filter((f) => `${f.label}${f.value}`.trim() !== '').slice(0, CARD_LIMITS.facts);
  if (shown.length === 0) return { elements: [], keep: false };
  const facts = shown.map((f) => ({
    title: t.plain(f.label, CARD_LIMITS.factTitleChars),
    value: t.markdown(f.value, CARD_LIMITS.factValueChars) || ' ',
  }));
  return { elements: [{ type: 'FactSet', facts }], keep: false };
}

function linesUnit(head: string[], body: string[], noun: 'row' | 'line', omitted = 0): Unit {
  const lines = { head: head.map(monospaceLine), body: body.map(monospaceLine), noun, omitted };
  const all = [...lines.head, ...lines.body];
  // An empty block of code shows nothing (and an empty TextBlock breaks the schema).
  if (all.every((l) => l.trim() === '') && omitted === 0) return { elements: [], keep: false };
  const elements = [monospace(all)];
  if (omitted > 0) elements.push(note(`… ${plural(omitted, noun)}`));
  return { elements, keep: false, lines };
}

function tableUnit(
  columns: string[],
  rows: string[][],
  names: ReadonlyMap<string, string>,
  omitted = 0,
): Unit {
  // Mentions cannot render inside fixed-width text: they show as @name, so columns stay aligned.
  const cellText = (cell: string) =>
    splitMentions(cell)
      .map((p) => (p.kind === 'text' ? p.text : `${p.kind === 'user' ? '@' : '#'}${names.get(p.id) ?? p.id}`))
      .join('')
      .replace(/\s+/g, ' ');
  const [header = '', rule = '', ...body] = alignColumns(columns, rows, cellText);
  return linesUnit([header, rule], body, 'row', omitted);
}

function executeAction(button: Button, t: CardText): CardAction {
  const action: CardAction = {
    type: 'Action.Execute',
    title: t.plain(button.label, CARD_LIMITS.buttonTitleChars) || 'Go',
    verb: ACTION_VERB,
    data: { actionId: button.actionId },
  };
  if (button.style === 'primary') action.style = 'positive';
  if (button.style === 'danger') action.style = 'destructive';
  return action;
}

/** A dangerous button (or one with a confirmation) opens a small card that asks first: a misclick should not act. */
function buttonAction(button: Button, t: CardText): CardAction {
  const confirm =
    button.confirm ??
    (button.style === 'danger'
      ? {
          title: 'Please confirm',
          text: `${button.label}: are you sure?`,
          confirm: button.label,
          deny: 'Cancel',
        }
      : undefined);
  if (!confirm) return executeAction(button, t);
  const inner = executeAction({ ...button, label: confirm.confirm }, t);
  // Closing the small card again is the "Cancel": Teams has no other way to dismiss it.
  return {
    type: 'Action.ShowCard',
    title: t.plain(button.label, CARD_LIMITS.buttonTitleChars) || 'Go',
    ...(button.style === 'danger' ? { style: 'destructive' as const } : {}),
    card: {
      type: 'AdaptiveCard',
      version: '1.4',
      body: [
        textBlock(t.markdown(confirm.title, CARD_LIMITS.headerChars), { weight: 'Bolder' }),
        textBlock(t.markdown(confirm.text, CARD_LIMITS.textChars)),
        { type: 'ActionSet', actions: [inner] },
      ],
    },
  };
}

function actionsUnit(buttons: Button[], seen: Set<string>, t: CardText): Unit {
  const usable = buttons.filter((b) => {
    const ok = b.actionId.length > 0 && !seen.has(b.actionId);
    seen.add(b.actionId);
    return ok;
  });
  const elements: CardElement[] = [];
  for (let i = 0; i < usable.length; i += CARD_LIMITS.actionsPerSet) {
    const actions = usable.slice(i, i + CARD_LIMITS.actionsPerSet).map((b) => buttonAction(b, t));
    elements.push({ type: 'ActionSet', actions });
  }
  return { elements, keep: true };
}

function renderUnit(block: Block, seen: Set<string>, t: CardText, names: ReadonlyMap<string, string>): Unit {
  switch (block.kind) {
    case 'header': {
      const text = t.markdown(block.text.replace(/\s+/g, ' ').trim(), CARD_LIMITS.headerChars);
      return { elements: text ? [textBlock(text, { size: 'Large', weight: 'Bolder' })] : [], keep: true };
    }
    case 'section': {
      const text = t.markdown(block.text, CARD_LIMITS.textChars);
      return { elements: text.trim() ? [textBlock(text)] : [], keep: false };
    }
    case 'fields':
      return factsUnit(block.fields, t);
    case 'code':
      return linesUnit([], block.text.split('\n'), 'line');
    case 'table':
      return tableUnit(block.columns, block.rows, names, block.omitted);
    case 'context': {
      const text = t.markdown(block.text, CARD_LIMITS.textChars);
      return { elements: text.trim() ? [note(text)] : [], keep: false };
    }
    case 'divider':
      // Adaptive Cards have no divider element: the next element draws a separator line.
      return { elements: [], keep: false };
    case 'actions':
      return actionsUnit(block.buttons, seen, t);
  }
}

/** As many body lines as fit in `room` bytes, and the count of those left out. */
function cutLines(unit: Unit, room: number): { elements: CardElement[]; hidden: string } | undefined {
  const lines = unit.lines;
  if (!lines) return undefined;
  let shown = lines.body.length;
  // Halve, then step: a table of thousands of rows must not be measured thousands of times.
  while (shown > 0 && bytes(monospace([...lines.head, ...lines.body.slice(0, shown)])) > room) {
    shown =
      bytes(monospace([...lines.head, ...lines.body.slice(0, Math.floor(shown / 2))])) > room
        ? Math.floor(shown / 2)
        : shown - Math.max(1, Math.floor(shown / 20));
  }
  const kept = shown > 0 ? [...lines.head, ...lines.body.slice(0, shown)] : [];
  // Lines that are all blank once cut show nothing (and an empty TextBlock breaks the schema).
  const elements = kept.some((l) => l.trim() !== '') ? [monospace(kept)] : [];
  const hidden = lines.body.length - (elements.length > 0 ? shown : 0) + lines.omitted;
  return { elements, hidden: plural(hidden, lines.noun) };
}

/** Lays the units out within the card's byte budget; after the first cut, only kept elements follow. */
function layout(units: Unit[], budget: number): CardElement[] {
  const keptBytes = units.filter((u) => u.keep).reduce((n, u) => n + bytes(u.elements), 0);
  const keepAll = keptBytes < budget / 2;
  let left = budget - (keepAll ? keptBytes : 0) - 200; // 200: room for the "… N more" note
  const out: CardElement[] = [];
  let cut: { at: number; parts: string[] } | undefined;
  let dropped = 0;
  for (const unit of units) {
    const size = bytes(unit.elements);
    if (unit.keep && keepAll) out.push(...unit.elements);
    else if (cut) dropped += unit.elements.length;
    else if (size <= left) {
      out.push(...unit.elements);
      left -= size;
    } else {
      const partial = cutLines(unit, left);
      cut = { at: out.length + (partial?.elements.length ?? 0), parts: partial ? [partial.hidden] : [] };
      if (partial) out.push(...partial.elements);
      else dropped += unit.elements.length;
    }
  }
  if (cut) {
    if (dropped > 0) cut.parts.push(`${plural(dropped, 'block')} left out`);
    out.splice(cut.at, 0, note(`… ${cut.parts.join('; ')} (too long for one Teams message)`));
  }
  return out;
}

/** Marks the element after each divider with a separator line. */
function withSeparators(blocks: Block[], units: Unit[]): Unit[] {
  return units.map((unit, i) => {
    if (i === 0 || blocks[i - 1]?.kind !== 'divider' || unit.elements.length === 0) return unit;
    const [first, ...rest] = unit.elements;
    return first ? { ...unit, elements: [{ ...first, separator: true }, ...rest] } : unit;
  });
}

/** The neutral message as an Adaptive Card, escaped once, within Teams' size limit. */
export function renderCard(message: Message, names: ReadonlyMap<string, string> = new Map()): RenderedCard {
  const t = new CardText(names);
  const seen = new Set<string>();
  const units = withSeparators(
    message.blocks,
    message.blocks.map((b) => renderUnit(b, seen, t, names)),
  );
  const body = layout(units, CARD_LIMITS.cardBytes - 600);
  if (body.length === 0) body.push(textBlock(t.markdown(message.text, CARD_LIMITS.textChars) || ' '));
  // Entities of mentions that were cut away must go too: Teams refuses an entity without its text.
  const shown = JSON.stringify(body);
  const entities = t.entities.filter((e) => shown.includes(JSON.stringify(e.text).slice(1, -1)));
  const card: AdaptiveCard = {
    type: 'AdaptiveCard',
    $schema: SCHEMA,
    version: '1.4',
    body,
    msteams: { width: 'Full', ...(entities.length > 0 ? { entities } : {}) },
  };
  const candidates = [
    message.text,
    ...message.blocks.map((b) => (b.kind === 'header' || b.kind === 'section' ? b.text : '')),
  ];
  const summary =
    candidates.map((c) => t.plain(c, CARD_LIMITS.summaryChars)).find((c) => c !== '') ?? 'oatie-ops';
  return { card, summary };
}
