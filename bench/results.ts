// One table for the whole benchmark run, and bench/results.json with the same rows and their raw data.
import { writeFile } from 'node:fs/promises';

export interface Result {
  /** Stable name in results.json. */
  id: string;
  /** What the row measures, as the table shows it. */
  figure: string;
  value: string;
  /** The goal for this figure, when it has one. */
  goal?: string;
  holds?: boolean;
  data?: unknown;
}

export function printTable(results: readonly Result[]): string {
  const lines = ['| figure | value | goal | holds |', '|---|---|---|---|'];
  for (const r of results) {
    const holds = r.holds === undefined ? '' : r.holds ? 'yes' : '**no**';
    lines.push(`| ${r.figure} | ${r.value} | ${r.goal ?? ''} | ${holds} |`);
  }
  return lines.join('\n');
}

export async function writeResults(
  path: string,
  header: Record<string, unknown>,
  results: readonly Result[],
) {
  await writeFile(path, `${JSON.stringify({ ...header, results }, null, 2)}\n`);
}
