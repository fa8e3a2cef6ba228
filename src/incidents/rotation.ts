// Who a rotation has on call at an instant, and when and to whom it next hands off. Pure: the clock
// is an argument. Shifts are counted in calendar days in the rotation's time zone and change hands at
// its wall-clock hand-off time, so a 09:00 hand-off is 09:00 on both sides of a daylight-saving change.
import type { Rotation } from '../config/oncall-policy.js';
import { addDays, daysBetween, wallClock, zonedInstant } from '../core/time-zone.js';

export interface RotationShift {
  member: string;
  /** An override (holiday) holds the role, not the rotation's turn. */
  override: boolean;
}

export interface HandOff {
  at: Date;
  member: string;
  override: boolean;
}

const mod = (n: number, m: number): number => ((n % m) + m) % m;

/** The rotation's own turn (overrides aside): its index from the start, and when it ends. */
function turnAt(rotation: Rotation, at: Date): { index: number; end: Date } {
  const { hour, minute } = rotation.handoff;
  const zone = rotation.timeZone;
  const w = wallClock(at, zone);
  const today = { year: w.year, month: w.month, day: w.day };
  // Before today's hand-off, the shift that began on an earlier day still runs.
  const handedOffToday = at.getTime() >= zonedInstant(today, hour, minute, zone).getTime();
  const day = daysBetween(rotation.start, today) - (handedOffToday ? 0 : 1);
  const index = Math.floor(day / rotation.length);
  const end = zonedInstant(addDays(rotation.start, (index + 1) * rotation.length), hour, minute, zone);
  return { index, end };
}

/** Who holds the role at `at`: the last override in the file that covers it, else the rotation's turn. */
export function shiftAt(rotation: Rotation, at: Date): RotationShift {
  const t = at.getTime();
  const override = rotation.overrides.findLast((o) => o.from.getTime() <= t && t < o.to.getTime());
  if (override) return { member: override.member, override: true };
  const { index } = turnAt(rotation, at);
  return { member: rotation.members[mod(index, rotation.members.length)] ?? '', override: false };
}

/** The next time someone else holds the role, and who; undefined when it never changes hands. */
export function nextHandOff(rotation: Rotation, at: Date): HandOff | undefined {
  const now = shiftAt(rotation, at);
  const candidates: number[] = [];
  // Enough turns for every member to come round once, and every override's edges.
  let end = turnAt(rotation, at).end;
  for (let i = 0; i <= rotation.members.length; i += 1) {
    candidates.push(end.getTime());
    end = turnAt(rotation, end).end;
  }
  for (const o of rotation.overrides) candidates.push(o.from.getTime(), o.to.getTime());
  const later = [...new Set(candidates)].filter((c) => c > at.getTime()).sort((x, y) => x - y);
  for (const c of later) {
    const shift = shiftAt(rotation, new Date(c));
    if (shift.member !== now.member) return { at: new Date(c), ...shift };
  }
  return undefined;
}
