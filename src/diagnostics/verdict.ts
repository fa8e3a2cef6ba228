// The shared shape of a diagnostic's answer: a verdict line in words, then figures, then hints.
import { limitRows, type Block } from '../chat/message.js';
import { toChannel, type Reply } from '../commands/handler.js';

export type Level = 'ok' | 'warn' | 'bad' | 'info';

/** One thing a diagnostic found, and how much it matters. */
export interface Finding {
  level: Level;
  text: string;
}

const ICON: Record<Level, string> = { ok: '✅', warn: '⚠️', bad: '🔴', info: 'ℹ️' };

/** A verdict sentence with the icon of its level. */
export const verdict = (level: Level, text: string): string => `${ICON[level]} ${text}`;

/** The finding a verdict sentence states: the inverse of `verdict`. */
export function readVerdict(sentence: string): Finding | undefined {
  for (const level of Object.keys(ICON) as Level[]) {
    const prefix = `${ICON[level]} `;
    if (sentence.startsWith(prefix)) return { level, text: sentence.slice(prefix.length) };
  }
  return undefined;
}

/** A diagnostic's answer in the channel: its title, the verdict (a `Finding`, or its sentence made by
 * `verdict(level, text)`), then the figures and hints that back it. The reply carries the finding as
 * data too, so triage composes diagnostics without reading their text. */
export function diagnosis(title: string, summary: string | Finding, details: readonly Block[] = []): Reply {
  const finding = typeof summary === 'string' ? readVerdict(summary) : summary;
  const text = typeof summary === 'string' ? summary : verdict(summary.level, summary.text);
  const blocks: Block[] = [{ kind: 'header', text: title }, { kind: 'section', text }, ...details];
  return { ...toChannel({ text, blocks }), ...(finding ? { finding } : {}) };
}

/** The worst of several levels (bad > warn > ok > info). */
export function worst(levels: readonly Level[]): Level {
  const order: Level[] = ['bad', 'warn', 'ok', 'info'];
  return order.find((l) => levels.includes(l)) ?? 'info';
}

/** Rows shown in one table: enough to act on, few enough for a chat message. */
export const MAX_TABLE_ROWS = 15;

/** A table cut to `max` rows; the rest is counted ("… N more rows"). */
export function table(columns: string[], rows: string[][], max = MAX_TABLE_ROWS): Block {
  const limited = limitRows(rows, max);
  return { kind: 'table', columns, rows: limited.rows, omitted: limited.omitted };
}

// Made at the first count: Intl's first use maps about 8 MiB of ICU data, which an idle bot need not hold.
let counter: Intl.NumberFormat | undefined;

/** 12345 → "12,345". */
export const count = (n: number): string =>
  (counter ??= new Intl.NumberFormat('en-US')).format(Math.round(n));

/** "1 query" / "3 queries": a count with the right noun. */
export const plural = (n: number, one: string, many: string): string => `${count(n)} ${n === 1 ? one : many}`;

/** Milliseconds for tables: 850 ms, 3.2 s, 2m10s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
