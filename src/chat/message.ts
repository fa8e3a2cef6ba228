// The neutral message model: what the core says, before any chat platform renders it.
// Text in blocks is plain text. Adapters escape it for their platform in one place, then turn
// mention tokens (made by `mention`) into real mentions. User text cannot forge a mention token:
// the command parser refuses control characters, and stripControl removes them (and invisible format
// characters, text-hygiene.ts) from every literal run an adapter renders.

import { stripInvisible } from './text-hygiene.js';

export type ButtonStyle = 'primary' | 'danger';

export interface Confirm {
  title: string;
  text: string;
  confirm: string;
  deny: string;
}

export interface Button {
  /** The stored action this button triggers (see actions/action-store). Never trusted beyond lookup. */
  actionId: string;
  label: string;
  style?: ButtonStyle;
  confirm?: Confirm;
}

export interface Field {
  label: string;
  value: string;
}

export type Block =
  | { kind: 'header'; text: string }
  | { kind: 'section'; text: string }
  | { kind: 'fields'; fields: Field[] }
  | { kind: 'code'; text: string }
  | {
      kind: 'table';
      columns: string[];
      rows: string[][];
      /** rows left out before rendering */ omitted?: number;
    }
  | { kind: 'context'; text: string }
  | { kind: 'divider' }
  | { kind: 'actions'; buttons: Button[] };

export interface Message {
  /** Notification / fallback text, plain. */
  text: string;
  blocks: Block[];
}

/** A form (a Slack modal); platforms without forms get the command's usage instead. */
export interface FormField {
  name: string;
  label: string;
  type: 'text' | 'textarea' | 'select';
  options?: Array<{ value: string; label: string }>;
  initial?: string;
  optional?: boolean;
  /** The most characters a text field takes (the command's own limit); platforms refuse more before submit. */
  maxLength?: number;
}

export interface Form {
  title: string;
  submitLabel: string;
  /** The stored action that receives the submitted values. */
  actionId: string;
  fields: FormField[];
}

const MENTION_START = '\u0001';
const MENTION_END = '\u0002';
// eslint-disable-next-line no-control-regex -- the control characters delimit mention tokens on purpose
const MENTION = /\u0001(user|channel):([^\u0001\u0002]{1,200})\u0002/g;

/** A token that adapters render as a mention of the user (`<@U123>` in Slack, `@alice` in the console). */
export const mention = (userId: string): string => `${MENTION_START}user:${userId}${MENTION_END}`;
/** A token that adapters render as a link to a channel. */
export const channelRef = (channelId: string): string => `${MENTION_START}channel:${channelId}${MENTION_END}`;

/** Splits text into literal runs and mention tokens, for adapters: literal runs get escaped, tokens rendered. */
export function splitMentions(
  text: string,
): Array<{ kind: 'text'; text: string } | { kind: 'user' | 'channel'; id: string }> {
  const parts: Array<{ kind: 'text'; text: string } | { kind: 'user' | 'channel'; id: string }> = [];
  let last = 0;
  for (const match of text.matchAll(MENTION)) {
    if (match.index > last) parts.push({ kind: 'text', text: text.slice(last, match.index) });
    parts.push({ kind: match[1] === 'user' ? 'user' : 'channel', id: match[2] ?? '' });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts.map((p) => (p.kind === 'text' ? { kind: 'text', text: stripControl(p.text) } : p));
}

/** Removes C0/C1 control characters except newline and tab, and invisible format characters (text-hygiene.ts). */
export function stripControl(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return stripInvisible(text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, ''));
}

/** A message with a single section: the common case. */
export function textMessage(text: string): Message {
  return { text, blocks: [{ kind: 'section', text }] };
}

/** Cuts a table to at most `max` rows, recording how many were left out ("… N more rows"). */
export function limitRows(rows: string[][], max: number): { rows: string[][]; omitted: number } {
  return rows.length <= max ? { rows, omitted: 0 } : { rows: rows.slice(0, max), omitted: rows.length - max };
}

/** Shortens text to `max` characters with an ellipsis. */
export function shorten(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, Math.max(0, max - 1))}…`;
}
