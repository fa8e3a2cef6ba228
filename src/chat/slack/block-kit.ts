// Renders the neutral message model as Slack Block Kit, within Slack's limits: long code and tables
// are spread over several sections and cut with a clear "… N more rows" line; buttons are never cut.
import type { types } from '@slack/bolt';
import { deepFreeze } from '../../core/deep-freeze.js';
import { splitMentions, type Block, type Button, type Field, type Message } from '../message.js';
import { alignColumns } from '../text-table.js';
import { SLACK_LIMITS as L } from './slack-limits.js';
import { codeText, mrkdwn, plain } from './slack-text.js';

type KnownBlock = types.KnownBlock;

export interface SlackMessage {
  /** Notification text (mrkdwn, escaped). */
  text: string;
  blocks: KnownBlock[];
}

/** One neutral block, rendered. Code and tables carry their sections one per chunk, so they can be cut. */
interface Unit {
  blocks: KnownBlock[];
  /** Buttons and headers are kept whatever else is cut. */
  keep: boolean;
  /** For code and tables: body lines in each block, what they count ('row'/'line'), and rows cut earlier. */
  lines?: { perBlock: number[]; noun: 'row' | 'line'; omitted: number };
}

const FENCE = '```';
/** Room kept for the "… N more" line at the cut. */
const NOTICE_CHARS = 300;

const section = (text: string): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): KnownBlock => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const plural = (n: number, noun: string) => `${n} more ${noun}${n === 1 ? '' : 's'}`;
/** A block's size as Slack counts it; measured once per block (layout asks several times). */
const costs = new WeakMap<KnownBlock, number>();
const cost = (block: KnownBlock): number => {
  let size = costs.get(block);
  if (size === undefined) {
    size = JSON.stringify(block).length;
    costs.set(block, size);
  }
  return size;
};

/** Splits lines into code sections of at most 3000 characters, repeating `head` (a table's header) in each. */
function codeUnit(head: string[], body: string[], noun: 'row' | 'line', omitted = 0): Unit {
  const wrap = (lines: string[]) => `${FENCE}\n${lines.join('\n')}\n${FENCE}`;
  const room = L.sectionText - wrap(head).length - 1;
  // A cut must not leave half an entity (&am) or half a mention (<@U12).
  const fitLine = (line: string) =>
    line.length <= room ? line : `${line.slice(0, room - 1).replace(/(&[a-z]{0,3}|<[@#]?[A-Z0-9]*)$/, '')}…`;
  const blocks: KnownBlock[] = [];
  const perBlock: number[] = [];
  let chunk: string[] = [];
  let size = 0;
  const flush = () => {
    blocks.push(section(wrap([...head, ...chunk])));
    perBlock.push(chunk.length);
    chunk = [];
    size = 0;
  };
  for (const raw of body) {
    const line = fitLine(raw);
    if (chunk.length > 0 && size + line.length + 1 > room) flush();
    chunk.push(line);
    size += line.length + 1;
  }
  if (chunk.length > 0 || blocks.length === 0) flush();
  if (omitted > 0) blocks.push(context(`… ${plural(omitted, noun)}`));
  return { blocks, keep: false, lines: { perBlock, noun, omitted } };
}

/** A cell as people read it: mentions as @id / #id, so columns stay aligned (and cuts stay clean). */
const cellText = (cell: string): string =>
  splitMentions(cell)
    .map((p) => (p.kind === 'text' ? p.text : `${p.kind === 'user' ? '@' : '#'}${p.id}`))
    .join('')
    .replace(/\s+/g, ' ');

/** A table as aligned columns, escaped after alignment (an entity must not count towards a width). */
function tableUnit(columns: string[], rows: string[][], omitted = 0): Unit {
  const [header = '', rule = '', ...body] = alignColumns(columns, rows, cellText);
  return codeUnit([codeText(header), rule], body.map(codeText), 'row', omitted);
}

function fieldsUnit(fields: Field[]): Unit {
  const blocks: KnownBlock[] = [];
  const shown = fields.filter((f) => `${f.label}${f.value}`.trim() !== '');
  for (let i = 0; i < shown.length; i += L.fieldsPerSection) {
    const group = shown.slice(i, i + L.fieldsPerSection).map((f) => ({
      type: 'mrkdwn' as const,
      text: mrkdwn(`${f.label}\n${f.value}`, L.fieldText - 2).replace(/^([^\n]*)/, (label) =>
        label ? `*${label}*` : label,
      ),
    }));
    blocks.push({ type: 'section', fields: group });
  }
  return { blocks, keep: false };
}

/** A danger button without its own confirmation still asks once: a misclick should not act. */
const defaultConfirm = (label: string) => ({
  title: 'Please confirm',
  text: `${label}: are you sure?`,
  confirm: label,
  deny: 'Cancel',
});

function buttonElement(button: Button): types.Button {
  const element: types.Button = {
    type: 'button',
    action_id: button.actionId,
    value: button.actionId,
    text: { type: 'plain_text', text: plain(button.label, L.buttonText) || 'Go', emoji: true },
  };
  if (button.style) element.style = button.style;
  const confirm = button.confirm ?? (button.style === 'danger' ? defaultConfirm(button.label) : undefined);
  if (confirm) {
    element.confirm = {
      title: { type: 'plain_text', text: plain(confirm.title, L.confirmTitle) || 'Are you sure?' },
      text: { type: 'mrkdwn', text: mrkdwn(confirm.text, L.confirmText) || 'Are you sure?' },
      confirm: { type: 'plain_text', text: plain(confirm.confirm, L.confirmButton) || 'Yes' },
      deny: { type: 'plain_text', text: plain(confirm.deny, L.confirmButton) || 'Cancel' },
    };
    if (button.style === 'danger') element.confirm.style = 'danger';
  }
  return element;
}

/** Buttons whose stored id cannot travel as an action_id (never expected) are left out rather than broken. */
function actionsUnit(buttons: Button[], seen: Set<string>): Unit {
  const usable = buttons.filter((b) => {
    const ok = b.actionId.length > 0 && b.actionId.length <= L.actionId && !seen.has(b.actionId);
    seen.add(b.actionId);
    return ok;
  });
  const blocks: KnownBlock[] = [];
  for (let i = 0; i < usable.length; i += L.buttonsPerActions) {
    blocks.push({ type: 'actions', elements: usable.slice(i, i + L.buttonsPerActions).map(buttonElement) });
  }
  return { blocks, keep: true };
}

function renderUnit(block: Block, seen: Set<string>): Unit {
  switch (block.kind) {
    case 'header': {
      const text = plain(block.text, L.headerText);
      return {
        blocks: text ? [{ type: 'header', text: { type: 'plain_text', text, emoji: true } }] : [],
        keep: true,
      };
    }
    case 'section': {
      const text = mrkdwn(block.text, L.sectionText);
      return { blocks: text.trim() ? [section(text)] : [], keep: false };
    }
    case 'fields':
      return fieldsUnit(block.fields);
    case 'code':
      return codeUnit([], codeText(block.text).split('\n'), 'line');
    case 'table':
      return tableUnit(block.columns, block.rows, block.omitted);
    case 'context': {
      const text = mrkdwn(block.text, L.sectionText);
      return { blocks: text.trim() ? [context(text)] : [], keep: false };
    }
    case 'divider':
      return { blocks: [{ type: 'divider' }], keep: false };
    case 'actions':
      return actionsUnit(block.buttons, seen);
  }
}

/** Takes as many of a code unit's blocks as `take` accepts, and says how many rows or lines stay hidden. */
function cutLines(unit: Unit, take: (block: KnownBlock) => boolean): { shown: KnownBlock[]; hidden: string } {
  const lines = unit.lines ?? { perBlock: [], noun: 'line' as const, omitted: 0 };
  const shown: KnownBlock[] = [];
  for (const [i, block] of unit.blocks.entries()) {
    if (i >= lines.perBlock.length || !take(block)) break;
    shown.push(block);
  }
  const hidden = lines.perBlock.slice(shown.length).reduce((a, b) => a + b, 0) + lines.omitted;
  return { shown, hidden: plural(hidden, lines.noun) };
}

/** Lays units out within 50 blocks and 40,000 characters; after the first cut, only kept blocks follow. */
function layout(units: Unit[], textChars: number): KnownBlock[] {
  const kept = units.filter((u) => u.keep).flatMap((u) => u.blocks);
  const keptChars = kept.reduce((n, b) => n + cost(b), 0);
  // Buttons and headers are reserved first, unless they alone would break the limits (then nothing is special).
  const keepAll = kept.length < L.blocks && keptChars + textChars + NOTICE_CHARS < L.messageChars;
  let blocksLeft = L.blocks - 1 - (keepAll ? kept.length : 0);
  let charsLeft = L.messageChars - textChars - NOTICE_CHARS - (keepAll ? keptChars : 0);
  const take = (block: KnownBlock): boolean => {
    if (blocksLeft < 1 || cost(block) > charsLeft) return false;
    blocksLeft -= 1;
    charsLeft -= cost(block);
    return true;
  };
  const out: KnownBlock[] = [];
  let cut: { at: number; parts: string[] } | undefined;
  let dropped = 0;
  for (const unit of units) {
    if (unit.keep && keepAll) out.push(...unit.blocks);
    else if (cut) dropped += unit.blocks.length;
    else if (unit.blocks.length <= blocksLeft && unit.blocks.reduce((n, b) => n + cost(b), 0) <= charsLeft) {
      for (const block of unit.blocks) if (take(block)) out.push(block);
    } else if (unit.lines) {
      const { shown, hidden } = cutLines(unit, take);
      out.push(...shown);
      cut = { at: out.length, parts: [hidden] };
    } else {
      cut = { at: out.length, parts: [] };
      dropped += unit.blocks.length;
    }
  }
  if (cut) {
    if (dropped > 0) cut.parts.push(`${plural(dropped, 'block')} left out`);
    out.splice(cut.at, 0, context(`… ${cut.parts.join('; ')} (too long for Slack)`));
  }
  return out.slice(0, L.blocks);
}

/** Renderings of frozen messages, which are built once and shared (help's): rendered once too. */
const renderings = new WeakMap<Message, SlackMessage>();

/** The neutral message as Block Kit, escaped once, within every Slack limit. */
export function renderMessage(message: Message): SlackMessage {
  if (!Object.isFrozen(message)) return render(message);
  let rendering = renderings.get(message);
  if (rendering === undefined) {
    rendering = deepFreeze(render(message));
    renderings.set(message, rendering);
  }
  return rendering;
}

function render(message: Message): SlackMessage {
  const candidates = [
    message.text,
    ...message.blocks.map((b) => (b.kind === 'header' || b.kind === 'section' ? b.text : '')),
  ];
  const text = candidates.map((t) => mrkdwn(t, L.fallbackText)).find((t) => t.trim() !== '') ?? 'oatie-ops';
  const seen = new Set<string>();
  const blocks = layout(
    message.blocks.map((b) => renderUnit(b, seen)),
    text.length,
  );
  return { text, blocks };
}
