// On-call rotations in the policy: a weekly rotation in Europe/Paris hands off at 09:00 local time on
// both sides of the spring daylight-saving change; overrides win over the rotation's turn, and the later
// of two overlapping overrides wins; mistakes in the policy are named with the file, the line and why.
import { parsePolicy, type Policy } from '../../src/config/policy.js';
import { nextHandOff, shiftAt } from '../../src/incidents/rotation.js';
import { policyWith, withRole } from '../support/test-app.js';

const withOnCall = (role: string) => withRole('on-call', role);

const ROTATION = `rotation:
  members: [alice, dave]
  length: 7d
  handoff: "09:00"
  timeZone: Europe/Paris
  start: 2026-03-23
  overrides:
    - { from: 2026-03-31, to: 2026-04-02, member: bob }
    - { from: "2026-04-01 12:00", to: "2026-04-01 18:00", member: carol }`;

const at = (iso: string) => new Date(iso);

describe('an on-call rotation', () => {
  let policy: Policy;
  beforeAll(async () => {
    policy = await policyWith(withOnCall(ROTATION));
  });
  const rotation = () => {
    const r = policy.roles['on-call']?.rotation;
    if (!r) throw new Error('no rotation');
    return r;
  };

  it('hands off at 09:00 Paris time before and after the clocks go forward', () => {
    // 2026-03-23 09:00 CET is 08:00 UTC: alice's first week starts.
    expect(shiftAt(rotation(), at('2026-03-23T07:59:00Z')).member).toBe('dave');
    expect(shiftAt(rotation(), at('2026-03-23T08:00:00Z')).member).toBe('alice');
    // Summer time from 2026-03-29: the next hand-off, 2026-03-30 09:00 CEST, is 07:00 UTC.
    expect(shiftAt(rotation(), at('2026-03-30T06:59:59Z')).member).toBe('alice');
    expect(shiftAt(rotation(), at('2026-03-30T07:00:00Z'))).toEqual({ member: 'dave', override: false });
    expect(nextHandOff(rotation(), at('2026-03-25T12:00:00Z'))).toEqual({
      at: at('2026-03-30T07:00:00Z'),
      member: 'dave',
      override: false,
    });
  });

  it('gives an override the role, the later of two overlapping overrides winning, then goes back to the turn', () => {
    // bob from 2026-03-31 09:00 to 2026-04-02 09:00 (dates alone: the hand-off time, Paris).
    expect(shiftAt(rotation(), at('2026-03-31T06:59:00Z')).member).toBe('dave');
    expect(shiftAt(rotation(), at('2026-03-31T07:00:00Z'))).toEqual({ member: 'bob', override: true });
    expect(nextHandOff(rotation(), at('2026-03-31T06:00:00Z'))).toEqual({
      at: at('2026-03-31T07:00:00Z'),
      member: 'bob',
      override: true,
    });
    // carol's afternoon of 2026-04-01 (12:00–18:00 CEST) is later in the file: it wins over bob's.
    expect(shiftAt(rotation(), at('2026-04-01T09:59:00Z')).member).toBe('bob');
    expect(shiftAt(rotation(), at('2026-04-01T10:00:00Z')).member).toBe('carol');
    expect(nextHandOff(rotation(), at('2026-04-01T11:00:00Z'))).toEqual({
      at: at('2026-04-01T16:00:00Z'),
      member: 'bob',
      override: true,
    });
    expect(nextHandOff(rotation(), at('2026-04-01T17:00:00Z'))).toEqual({
      at: at('2026-04-02T07:00:00Z'),
      member: 'dave',
      override: false,
    });
  });

  it('names what is wrong in a rotation, with the line', async () => {
    const { readFile } = await import('node:fs/promises');
    const { DEFAULT_POLICY_FILE } = await import('../support/test-app.js');
    const shipped = await readFile(DEFAULT_POLICY_FILE, 'utf8');
    const problem = (role: string): string => {
      const result = parsePolicy(withOnCall(role)(shipped), 'policy.yaml');
      return result.ok ? 'accepted' : result.message;
    };
    const base =
      'rotation: { members: [alice, dave], length: 7d, timeZone: Europe/Paris, start: 2026-03-23 }';
    expect(problem(base)).toBe('accepted');
    expect(problem(base.replace('Europe/Paris', 'Europe/Atlantis'))).toMatch(
      /^policy\.yaml:\d+: roles\.on-call\.rotation\.timeZone: expected an IANA time zone such as Europe\/Paris/,
    );
    expect(problem(base.replace('[alice, dave]', '[]'))).toMatch(
      /roles\.on-call\.rotation\.members: a rotation needs at least one member$/,
    );
    expect(problem(base.replace('7d', '12h'))).toMatch(
      /roles\.on-call\.rotation\.length: "12h" is not a whole number of days such as 1d or 7d/,
    );
    expect(problem(base.replace('[alice, dave]', '[alice, erin]'))).toBe(
      'policy.yaml: roles.on-call.rotation.members: unknown person "erin"',
    );
    expect(problem(base.replace('2026-03-23', '2026-02-30'))).toMatch(
      /"2026-02-30" is not a date such as 2026-01-05/,
    );
    const backwards = base.replace(
      ' }',
      ', overrides: [{ from: 2026-04-02, to: 2026-04-01, member: bob }] }',
    );
    expect(problem(backwards)).toMatch(
      /roles\.on-call\.rotation\.overrides\.0\.to: an override must end after it starts/,
    );
    expect(problem('{}')).toMatch(/roles\.on-call: a role needs a person, a rotation or a pagerdutySchedule/);
    expect(problem('pagerdutySchedule: lowercase')).toMatch(
      /expected a PagerDuty schedule id such as PI7DH85/,
    );
  });
});
