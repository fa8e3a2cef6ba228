// Slack text in ONE place: plain text from the core is escaped (&, <, >) and broadcast words are
// defused, then mention tokens become <@U…> / <#C…>. Nothing typed by a user can become markup.
import { splitMentions } from '../message.js';

const USER_ID = /^[UW][A-Z0-9]{2,30}$/;
const CHANNEL_ID = /^[CGD][A-Z0-9]{2,30}$/;
/** Slack's automatic parsing may turn these plain words into broadcasts; a zero-width joiner defuses them. */
const BROADCAST = /@(channel|here|everyone)/gi;
const ELLIPSIS = '…';

/** Escapes a literal run for any Slack text object (mrkdwn and plain_text decode the same three entities). */
export function escapeSlack(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(BROADCAST, '@\u2060$1');
}

/** The pieces of a text, each already in Slack form; a mention is one indivisible piece. */
function pieces(text: string, mentions: boolean): Array<{ text: string; atomic: boolean }> {
  return splitMentions(text).map((part) => {
    if (part.kind === 'text') return { text: escapeSlack(part.text), atomic: false };
    const valid = part.kind === 'user' ? USER_ID.test(part.id) : CHANNEL_ID.test(part.id);
    if (mentions && valid)
      return { text: part.kind === 'user' ? `<@${part.id}>` : `<#${part.id}>`, atomic: true };
    return { text: escapeSlack(`${part.kind === 'user' ? '@' : '#'}${part.id}`), atomic: false };
  });
}

/** Cuts escaped text to `max` characters without leaving half an entity such as `&am`. */
function cutEscaped(text: string, max: number): string {
  return text.slice(0, Math.max(0, max)).replace(/&[a-z]{0,3}$/, '');
}

/** Joins pieces within `max` characters, ending with … when something was left out. */
function fit(parts: Array<{ text: string; atomic: boolean }>, max: number): string {
  const total = parts.reduce((n, p) => n + p.text.length, 0);
  if (total <= max) return parts.map((p) => p.text).join('');
  let out = '';
  const room = max - ELLIPSIS.length;
  for (const part of parts) {
    if (out.length + part.text.length <= room) {
      out += part.text;
      continue;
    }
    if (!part.atomic) out += cutEscaped(part.text, room - out.length);
    break;
  }
  return out + ELLIPSIS;
}

/** Neutral plain text as Slack mrkdwn, at most `max` characters. */
export function mrkdwn(text: string, max: number): string {
  return fit(pieces(text, true), max);
}

/** Neutral plain text for a plain_text object (headers, buttons, modal labels): no mentions, one line if asked. */
export function plain(text: string, max: number, oneLine = true): string {
  const flat = oneLine ? text.replace(/\s+/g, ' ').trim() : text;
  return fit(pieces(flat, false), max);
}

/** Text for a code block: escaped like the rest, and a ``` inside cannot close the block early. */
export function codeText(text: string): string {
  return pieces(text, true)
    .map((p) => p.text)
    .join('')
    .replace(/```/g, '`\u200b``');
}
