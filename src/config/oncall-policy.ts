// Who fills a role of the policy (`roles:`): one person, a rotation, or a PagerDuty schedule, with
// the person or rotation standing in when PagerDuty cannot be asked. A rotation hands off at a
// wall-clock time in its own IANA time zone every `length` days (so a 09:00 hand-off stays 09:00
// across daylight saving), and overrides give a date range to someone else (holidays); where
// overrides overlap, the later one in the file wins.
import { z } from 'zod';
import { parseDuration } from '../core/duration.js';
import { isTimeZone, zonedInstant } from '../core/time-zone.js';

const DAY_MS = 86_400_000;

export const personKey = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, 'expected a lowercase key such as alice');

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]([01]\d|2[0-3]):([0-5]\d))?$/;

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

function validDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

const localDate = z.string().transform((text, ctx): LocalDate => {
  const m = DATE.exec(text.trim());
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  if (!m || !validDate(year, month, day)) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a date such as 2026-01-05` });
    return z.NEVER;
  }
  return { year, month, day };
});

/** `2026-12-24 18:00`, or a date alone: the rotation's hand-off time that day. */
const localDateTime = z.string().transform((text, ctx) => {
  const m = DATE_TIME.exec(text.trim());
  const date = m ? { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) } : undefined;
  if (!m || !date || !validDate(date.year, date.month, date.day)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a date and time such as 2026-12-24 09:00 (or a date alone, at the hand-off time)`,
    });
    return z.NEVER;
  }
  return { date, hour: m[4] === undefined ? undefined : Number(m[4]), minute: Number(m[5] ?? 0) };
});

const handoff = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a hand-off time HH:MM such as 09:00');

const lengthInDays = z.string().transform((text, ctx) => {
  const ms = parseDuration(text);
  if (ms === undefined || ms === 0 || ms % DAY_MS !== 0) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a whole number of days such as 1d or 7d (a rotation hands off at one wall-clock time)`,
    });
    return z.NEVER;
  }
  return ms / DAY_MS;
});

const override = z.strictObject({ from: localDateTime, to: localDateTime, member: personKey });

const rotationSchema = z
  .strictObject({
    members: z.array(personKey).min(1, 'a rotation needs at least one member'),
    /** How long each member holds the role: whole days (7d). */
    length: lengthInDays,
    /** The wall-clock time of the hand-off, in timeZone. */
    handoff: handoff.default('09:00'),
    timeZone: z.string().refine(isTimeZone, {
      error: 'expected an IANA time zone such as Europe/Paris or America/New_York',
    }),
    /** The day the first member's shift starts (at the hand-off time); later shifts follow in order. */
    start: localDate,
    /** Date ranges held by someone else (holidays); where they overlap, the later one here wins. */
    overrides: z.array(override).default([]),
  })
  .transform((r, ctx) => {
    const [hour, minute] = r.handoff.split(':').map(Number) as [number, number];
    const overrides = r.overrides.map((o, i) => {
      const instant = (at: z.infer<typeof localDateTime>) =>
        zonedInstant(at.date, at.hour ?? hour, at.hour === undefined ? minute : at.minute, r.timeZone);
      const from = instant(o.from);
      const to = instant(o.to);
      if (to <= from)
        ctx.addIssue({
          code: 'custom',
          path: ['overrides', i, 'to'],
          message: 'an override must end after it starts',
        });
      return { from, to, member: o.member };
    });
    return { ...r, handoff: { hour, minute }, overrides };
  });

export type Rotation = z.infer<typeof rotationSchema>;

const scheduleId = z.string().regex(/^[A-Z0-9]{5,20}$/, 'expected a PagerDuty schedule id such as PI7DH85');

const roleSpec = z
  .strictObject({
    /** The person who holds the role; with a rotation or a schedule, who stands in when neither answers. */
    person: personKey.optional(),
    rotation: rotationSchema.optional(),
    /** With PAGERDUTY_API_TOKEN: the role is whoever this PagerDuty schedule has on call now. */
    pagerdutySchedule: scheduleId.optional(),
  })
  .refine((r) => r.person !== undefined || r.rotation !== undefined || r.pagerdutySchedule !== undefined, {
    error: 'a role needs a person, a rotation or a pagerdutySchedule',
  });

/** A role: a person key (the short form), or a person, a rotation and/or a PagerDuty schedule. */
export const roleHolderSchema = z.preprocess(
  (value) => (typeof value === 'string' ? { person: value } : value),
  roleSpec,
);

export type RoleSpec = z.infer<typeof roleHolderSchema>;

/** Every person a role names (itself, its rotation's members, its overrides') must be in `people`. */
export function checkRoleReferences(
  roles: Partial<Record<string, RoleSpec>>,
  people: Record<string, unknown>,
): string | undefined {
  for (const [role, spec] of Object.entries(roles)) {
    if (!spec) continue;
    const named = [
      ...(spec.person === undefined ? [] : [['', spec.person] as const]),
      ...(spec.rotation?.members ?? []).map((m) => ['.rotation.members', m] as const),
      ...(spec.rotation?.overrides ?? []).map((o) => ['.rotation.overrides', o.member] as const),
    ];
    const missing = named.find(([, key]) => !(key in people));
    if (missing) return `roles.${role}${missing[0]}: unknown person "${missing[1]}"`;
  }
  return undefined;
}
