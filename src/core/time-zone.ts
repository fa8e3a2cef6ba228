// Wall-clock times in a time zone (OATIE_TIMEZONE) without a date library: formatting for people
// ("14:30 UTC") and the reverse, a wall-clock time in a zone to an instant (for "10:00 tomorrow").

export interface WallClock {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = partsFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    partsFormatters.set(zone, formatter);
  }
  return formatter;
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** The date and time on a wall clock in `zone` at the instant `at`. */
export function wallClock(at: Date, zone: string): WallClock {
  const parts = Object.fromEntries(
    partsFormatter(zone)
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const num = (key: string): number => Number(parts[key] ?? 0);
  return {
    year: num('year'),
    month: num('month'),
    day: num('day'),
    hour: num('hour') % 24,
    minute: num('minute'),
    second: num('second'),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? 'Sun'),
  };
}

/** The zone's short name at that instant: UTC, CET, EST, or GMT+5:30 where there is no common name. */
export function zoneName(at: Date, zone: string): string {
  const nameIn = (locale: string): string =>
    new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'short' })
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value ?? zone;
  const us = nameIn('en-US');
  if (!us.startsWith('GMT')) return us;
  // en-US names American zones (EST); en-GB names European ones (CET, BST).
  const gb = nameIn('en-GB');
  return /^[A-Z]{2,5}$/.test(gb) ? gb : us;
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** `14:30` in the zone, without the zone name. */
export function formatClock(at: Date, zone: string): string {
  const w = wallClock(at, zone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** `2024-01-15` in the zone. */
export function formatDate(at: Date, zone: string): string {
  const w = wallClock(at, zone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** `2024-01-15 14:30:05` in the zone, without the zone name: timelines, to the second. */
export function formatStamp(at: Date, zone: string): string {
  const w = wallClock(at, zone);
  return `${formatDate(at, zone)} ${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}`;
}

/** `14:30 UTC` */
export function formatTime(at: Date, zone: string): string {
  return `${formatClock(at, zone)} ${zoneName(at, zone)}`;
}

/** `2024-01-15 14:30 UTC` */
export function formatDateTime(at: Date, zone: string): string {
  return `${formatDate(at, zone)} ${formatTime(at, zone)}`;
}

/** `14:30 - 15:15 UTC`, or with dates when the range crosses midnight in the zone. */
export function formatTimeRange(from: Date, to: Date, zone: string): string {
  if (formatDate(from, zone) === formatDate(to, zone)) {
    return `${formatClock(from, zone)} - ${formatClock(to, zone)} ${zoneName(to, zone)}`;
  }
  return `${formatDate(from, zone)} ${formatClock(from, zone)} - ${formatDate(to, zone)} ${formatClock(to, zone)} ${zoneName(to, zone)}`;
}

/** The instant at which the wall clock in `zone` shows the given date and time. */
export function zonedInstant(
  date: { year: number; month: number; day: number },
  hour: number,
  minute: number,
  zone: string,
): Date {
  const wanted = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Guess, see what the zone's clock shows at the guess, correct by the difference; twice covers DST edges.
  let guess = wanted;
  for (let i = 0; i < 2; i += 1) {
    const w = wallClock(new Date(guess), zone);
    const shown = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    guess += wanted - shown;
  }
  return new Date(guess);
}

/** Whether `zone` is an IANA time zone this runtime knows (UTC, Europe/Paris, America/New_York…). */
export function isTimeZone(zone: string): boolean {
  // UTC, the default, needs no time-zone database: checking it through Intl would map about 8 MiB of
  // ICU data at start-up that a bot formatting in UTC does not otherwise touch while idle.
  if (zone === 'UTC') return true;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar date `days` after `date` (dates only: no time zone, no daylight saving). */
export function addDays(
  date: { year: number; month: number; day: number },
  days: number,
): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Whole days from calendar date `from` to `to` (negative when `to` is earlier). */
export function daysBetween(
  from: { year: number; month: number; day: number },
  to: { year: number; month: number; day: number },
): number {
  return Math.round(
    (Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000,
  );
}
