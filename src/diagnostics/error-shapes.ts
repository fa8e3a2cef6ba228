// Error log lines grouped by their message shape: what varies between two occurrences of the same
// error (ids, numbers, times, quoted values, addresses) is replaced, so "timeout after 5012 ms for
// report 3f1c…" and "timeout after 4870 ms for report 9ab2…" count as one. Lines arrive masked.
import { shorten, stripControl } from '../chat/message.js';
import { levelOf } from './log-lines.js';

export interface ErrorShape {
  shape: string;
  count: number;
  firstSeen?: Date;
  lastSeen?: Date;
  /** The pods it was seen in. */
  pods: Set<string>;
}

const MAX_SHAPE = 140;

const LEADING_TIME =
  /^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*/;

const VARYING: ReadonlyArray<readonly [RegExp, string]> = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g, '<email>'],
  [/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>'],
  [/\b0x[0-9a-f]+\b|\b[0-9a-f]{12,}\b/gi, '<hex>'],
  [/"[^"]{0,200}"|'[^']{0,200}'/g, '"…"'],
  [/\b\d+(?:\.\d+)?\b/g, '<n>'],
];

/** The moment a line starts with, if it starts with one (kubectl --timestamps, most loggers). */
export function leadingTime(line: string): Date | undefined {
  const match = LEADING_TIME.exec(line);
  if (!match?.[1]) return undefined;
  const date = new Date(match[1].replace(' ', 'T').replace(',', '.'));
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** A line without its time and level, with what varies replaced: its shape. */
export function shapeOf(line: string): string {
  let text = stripControl(line).replace(LEADING_TIME, '');
  text = text.replace(/^\s*\[?(ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|PANIC)\]?:?\s*/i, '');
  for (const [pattern, replacement] of VARYING) text = text.replace(pattern, replacement);
  return shorten(text, MAX_SHAPE) || '(empty line)';
}

/** The ERROR lines of each pod, grouped by shape, most frequent first. */
export function groupErrors(pods: ReadonlyArray<{ pod: string; lines: readonly string[] }>): ErrorShape[] {
  const groups = new Map<string, ErrorShape>();
  for (const { pod, lines } of pods) {
    for (const line of lines) {
      if (levelOf(line) !== 'ERROR') continue;
      const shape = shapeOf(line);
      const group = groups.get(shape) ?? { shape, count: 0, pods: new Set<string>() };
      group.count += 1;
      group.pods.add(pod);
      const at = leadingTime(line);
      if (at) {
        if (!group.firstSeen || at < group.firstSeen) group.firstSeen = at;
        if (!group.lastSeen || at > group.lastSeen) group.lastSeen = at;
      }
      groups.set(shape, group);
    }
  }
  return [...groups.values()].sort((a, b) => b.count - a.count || a.shape.localeCompare(b.shape));
}
