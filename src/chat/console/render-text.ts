// Renders the neutral message model as plain terminal text. Buttons print with a short reference.
import { splitMentions, type Block, type Button, type Message } from '../message.js';
import { alignColumns } from '../text-table.js';

export type ButtonRef = (button: Button) => string;

/** Replaces mention tokens with @user / #channel. */
export function plainText(text: string): string {
  return splitMentions(text)
    .map((part) => (part.kind === 'text' ? part.text : part.kind === 'user' ? `@${part.id}` : `#${part.id}`))
    .join('');
}

function renderTable(columns: string[], rows: string[][], omitted = 0): string {
  const out = alignColumns(columns, rows, plainText);
  if (omitted > 0) out.push(`… ${omitted} more row${omitted === 1 ? '' : 's'}`);
  return out.join('\n');
}

function renderBlock(block: Block, ref: ButtonRef): string {
  switch (block.kind) {
    case 'header':
      return `*** ${plainText(block.text)} ***`;
    case 'section':
      return plainText(block.text);
    case 'fields':
      return block.fields.map((f) => `${plainText(f.label)}: ${plainText(f.value)}`).join('\n');
    case 'code':
      return plainText(block.text)
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
    case 'table':
      return renderTable(block.columns, block.rows, block.omitted);
    case 'context':
      return `(${plainText(block.text)})`;
    case 'divider':
      return '----';
    case 'actions':
      return block.buttons.map((b) => `[${ref(b)}] ${plainText(b.label)}`).join('  ');
  }
}

export function renderText(message: Message, ref: ButtonRef): string {
  if (message.blocks.length === 0) return plainText(message.text);
  return message.blocks.map((b) => renderBlock(b, ref)).join('\n');
}
