// "Next business day at 10:00" in the configured time zone: post-incident reviews and P3 response times.
import { wallClock, zonedInstant } from '../core/time-zone.js';

const DAY_MS = 86_400_000;

/** The first weekday after the day of `from` (in `zone`), at `time` (HH:MM) on that zone's clock. */
export function nextBusinessDayAt(from: Date, time: string, zone: string): Date {
  const today = wallClock(from, zone);
  // Calendar arithmetic on a UTC date of the same numbers: no time zone can shift it.
  let day = Date.UTC(today.year, today.month - 1, today.day) + DAY_MS;
  while ([0, 6].includes(new Date(day).getUTCDay())) day += DAY_MS;
  const d = new Date(day);
  const [hour = 0, minute = 0] = time.split(':').map(Number);
  return zonedInstant(
    { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() },
    hour,
    minute,
    zone,
  );
}
