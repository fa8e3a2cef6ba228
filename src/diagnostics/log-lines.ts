// Reading application log lines: their level (ERROR, WARN, INFO). Secrets in them are masked by
// src/core/secrets.ts.

export type LogLevel = 'ERROR' | 'WARN' | 'INFO' | 'OTHER';

const LEVEL_WORDS: Array<[RegExp, LogLevel]> = [
  [/\b(ERROR|ERR|FATAL|CRITICAL|CRIT|SEVERE|PANIC)\b/gi, 'ERROR'],
  [/\b(WARN|WARNING)\b/gi, 'WARN'],
  [/\bINFO\b/gi, 'INFO'],
];

// pino and bunyan write numeric levels: 40 warn, 50 error, 60 fatal.
const NUMERIC_LEVEL = /"level"\s*:\s*(\d{2})\b/;
const NAMED_LEVEL = /"(?:level|severity|levelname)"\s*:\s*"(\w+)"/i;

function levelOfWord(word: string): LogLevel {
  const w = word.toUpperCase();
  if (['ERROR', 'ERR', 'FATAL', 'CRITICAL', 'CRIT', 'SEVERE', 'PANIC'].includes(w)) return 'ERROR';
  if (w === 'WARN' || w === 'WARNING') return 'WARN';
  if (w === 'INFO') return 'INFO';
  return 'OTHER';
}

/** The level a line was logged at: a JSON level field, else the first level word in the line
 * ("INFO retried after error" is INFO: the level comes before the message). */
export function levelOf(line: string): LogLevel {
  const numeric = NUMERIC_LEVEL.exec(line);
  if (numeric) {
    const n = Number(numeric[1]);
    return n >= 50 ? 'ERROR' : n >= 40 ? 'WARN' : n >= 30 ? 'INFO' : 'OTHER';
  }
  const named = NAMED_LEVEL.exec(line);
  if (named) return levelOfWord(named[1] ?? '');
  let first: { index: number; level: LogLevel } | undefined;
  for (const [pattern, level] of LEVEL_WORDS) {
    pattern.lastIndex = 0;
    const match = pattern.exec(line);
    if (match && (first === undefined || match.index < first.index)) first = { index: match.index, level };
  }
  return first?.level ?? 'OTHER';
}
