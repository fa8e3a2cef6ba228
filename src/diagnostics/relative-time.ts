// Moments in words, relative to now: "3 hours 5 minutes ago", "in 12 minutes".
import { formatDuration } from '../core/duration.js';

/** Past an hour, seconds are noise: "4 hours ago", not "4 hours 1 second ago". */
function rounded(ms: number): number {
  return ms >= 3_600_000 ? Math.round(ms / 60_000) * 60_000 : ms;
}

export function ago(then: Date, now: Date): string {
  const ms = now.getTime() - then.getTime();
  return ms >= 0 ? `${formatDuration(rounded(ms))} ago` : `in ${formatDuration(rounded(-ms))}`;
}

/** "2026-11-28 14:30 UTC": a moment people can compare across time zones. */
export function utc(moment: Date): string {
  return `${moment.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** Since when cumulative statistics count, from their last reset (null: they never were). */
export function statsSince(reset: Date | null | undefined, now: Date): string {
  return reset ? `since statistics were reset ${ago(reset, now)}` : 'since statistics began';
}

/** Either the moment in words or "never". */
export function agoOrNever(then: Date | null, now: Date): string {
  return then === null ? 'never' : ago(then, now);
}
