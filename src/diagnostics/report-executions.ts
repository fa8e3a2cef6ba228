// How a report's executions read, wherever they come from (the Oatie database or the Oatie API):
// the verdict on its status, the table of recent executions, the last error and what to try next.
import { shorten, type Block } from '../chat/message.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import { maskSecrets } from '../core/secrets.js';
import { nextStepFor } from './report-errors.js';
import { ago, utc } from './relative-time.js';
import { table, type Finding } from './verdict.js';

export interface Execution {
  status: string;
  startedAt: Date;
  finishedAt: Date | null;
  /** How long it ran, or has been running. */
  ms: number;
  error: string | null;
}

/** The verdict on a report whose status is `status` and whose running execution (if any) is `current`. */
export function statusVerdict(status: string, current: Execution | undefined, stuckAfter: number): Finding {
  if (status === 'processing') {
    if (current === undefined) {
      return {
        level: 'warn',
        text: 'It is processing, but no execution is running: the worker may have lost it.',
      };
    }
    if (current.ms > stuckAfter) {
      return {
        level: 'bad',
        text: `It is stuck: processing for ${formatDuration(current.ms)}, longer than the ${formatDuration(stuckAfter)} after which a report counts as stuck.`,
      };
    }
    return { level: 'ok', text: `It is processing, for ${formatDuration(current.ms)} so far.` };
  }
  if (status === 'failed') return { level: 'bad', text: 'Its last generation failed.' };
  if (status === 'completed') return { level: 'ok', text: 'Its last generation completed.' };
  return { level: 'info', text: `It is ${status}.` };
}

/** Newest first. */
export function executionsTable(executions: readonly Execution[]): Block[] {
  if (executions.length === 0) return [];
  return [
    table(
      ['started (UTC)', 'status', 'took', 'error'],
      executions.map((e) => [
        utc(e.startedAt).replace(' UTC', ''),
        e.status,
        e.finishedAt === null ? `${formatDurationShort(e.ms)} so far` : formatDurationShort(e.ms),
        shorten(maskSecrets(e.error ?? ''), 70),
      ]),
    ),
  ];
}

export function lastErrorBlocks(
  lastError: { error: string; startedAt: Date } | undefined,
  now: Date,
): Block[] {
  if (!lastError) return [];
  const next = nextStepFor(lastError.error);
  return [
    { kind: 'section', text: `Last error (${ago(lastError.startedAt, now)}):` },
    { kind: 'code', text: shorten(maskSecrets(lastError.error), 500) },
    ...(next ? [{ kind: 'context', text: next } satisfies Block] : []),
  ];
}
