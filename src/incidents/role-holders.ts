// Who holds each role of the policy at an instant: its PagerDuty schedule's on-call (when a token is
// configured), else its rotation's turn or override, else its person. Resolved before a flow's
// transaction (PagerDuty is an outside call) and passed to the pure functions of severity-policy.ts.
// A schedule PagerDuty cannot answer falls back to the rotation or person, and the holder says why.
import type { Person, Policy, RoleName, RoleSpec } from '../config/policy.js';
import { personByKey, roleNames } from '../config/policy.js';
import { describeError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type { OnCallShift, ScheduleTarget } from '../targets/targets.js';
import { nextHandOff, shiftAt } from './rotation.js';

/** The key of someone PagerDuty names whom the policy does not know: no chat id to reach them by. */
export const OUTSIDE_POLICY = 'pagerduty:';

export type HolderSource = 'person' | 'rotation' | 'override' | 'pagerduty';

export interface RoleHolder {
  role: RoleName;
  /** Nobody when a schedule failed and nothing stands in. */
  person: Person | undefined;
  source: HolderSource;
  /** Why PagerDuty's schedule was not used (it failed): the holder is the stand-in. */
  fallback?: string;
  /** The next hand-off, when known (rotations and schedules). */
  next?: { at: Date; person: Person | undefined };
  /** The zone the role's times are told in: its rotation's, else the bot's. */
  zone?: string;
}

export type RoleHolders = ReadonlyMap<RoleName, RoleHolder>;

/** A PagerDuty user as the policy knows them (by `pagerduty` id or email), else by PagerDuty's name. */
function personOfUser(policy: Policy, user: OnCallShift['user']): Person {
  const email = user.email?.toLowerCase();
  const known = Object.entries(policy.people).find(
    ([, p]) => p.pagerduty === user.id || (email !== undefined && p.email?.toLowerCase() === email),
  );
  return known ? { ...known[1], key: known[0] } : { key: `${OUTSIDE_POLICY}${user.id}`, name: user.name };
}

/** The role's holder without PagerDuty: the rotation's turn or override, else the person. */
function localHolder(policy: Policy, role: RoleName, spec: RoleSpec, at: Date): RoleHolder {
  const rotation = spec.rotation;
  if (rotation) {
    const shift = shiftAt(rotation, at);
    const next = nextHandOff(rotation, at);
    return {
      role,
      person: personByKey(policy, shift.member),
      source: shift.override ? 'override' : 'rotation',
      next: next && { at: next.at, person: personByKey(policy, next.member) },
      zone: rotation.timeZone,
    };
  }
  return {
    role,
    person: spec.person === undefined ? undefined : personByKey(policy, spec.person),
    source: 'person',
  };
}

async function scheduleHolder(
  policy: Policy,
  schedules: ScheduleTarget,
  role: RoleName,
  scheduleId: string,
  at: Date,
): Promise<RoleHolder> {
  const shifts = await schedules.shifts(scheduleId, at);
  const t = at.getTime();
  const current = shifts.find(
    (s) => (s.start?.getTime() ?? -Infinity) <= t && t < (s.end?.getTime() ?? Infinity),
  );
  if (!current) throw new Error(`schedule ${scheduleId} has nobody on call now`);
  const after = shifts.find(
    (s) =>
      s.user.id !== current.user.id &&
      s.start !== undefined &&
      s.start.getTime() >= (current.end?.getTime() ?? Infinity),
  );
  return {
    role,
    person: personOfUser(policy, current.user),
    source: 'pagerduty',
    next: current.end && { at: current.end, person: after ? personOfUser(policy, after.user) : undefined },
  };
}

/** Every role's holder at `at`. */
export async function resolveRoles(
  services: Pick<Services, 'policy' | 'targets' | 'log'>,
  at: Date,
): Promise<RoleHolders> {
  const { policy, targets } = services;
  const holders = new Map<RoleName, RoleHolder>();
  for (const role of roleNames) {
    const spec = policy.roles[role];
    if (!spec) continue;
    const schedules = targets.schedules;
    if (spec.pagerdutySchedule === undefined) {
      holders.set(role, localHolder(policy, role, spec, at));
      continue;
    }
    if (!schedules) {
      const fallback = `PagerDuty schedule ${spec.pagerdutySchedule} is not read: PAGERDUTY_API_TOKEN is not set`;
      holders.set(role, { ...localHolder(policy, role, spec, at), fallback });
      continue;
    }
    try {
      holders.set(role, await scheduleHolder(policy, schedules, role, spec.pagerdutySchedule, at));
    } catch (error) {
      const reason = describeError(error).replace(/\.$/, '');
      services.log.warn(
        { role, schedule: spec.pagerdutySchedule, err: reason },
        'on-call schedule unavailable',
      );
      holders.set(role, {
        ...localHolder(policy, role, spec, at),
        fallback: `PagerDuty schedule ${spec.pagerdutySchedule} could not be read (${reason})`,
      });
    }
  }
  return holders;
}

/** The person holding `role`, if any. */
export const holderOf = (holders: RoleHolders, role: RoleName): Person | undefined =>
  holders.get(role)?.person;
