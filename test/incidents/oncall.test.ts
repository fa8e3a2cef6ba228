// Who is on call, with the app's clock injected: `oncall` shows who holds each role now and next (a
// rotation in Europe/Paris, a PagerDuty schedule read from a fake PagerDuty and kept briefly), says so
// when PagerDuty does not answer and the policy's person stands in, and an escalation reaches whoever
// holds the role when it fires, not who held it at the declaration.
import { json } from '../support/http-fake.js';
import { FakePagerDuty } from '../support/fake-pagerduty.js';
import { openPagerDutySchedules } from '../../src/targets/pagerduty-schedules.js';
import { eventually, startIncidentStory, type IncidentStory } from '../support/incident-harness.js';
import { policyWith, withRole } from '../support/test-app.js';

const ROTATION = `rotation:
  members: [alice, dave]
  length: 7d
  handoff: "09:00"
  timeZone: Europe/Paris
  start: 2026-03-23`;
const SCHEDULE = 'person: bob\npagerdutySchedule: PSCHED1';

describe('who is on call now', () => {
  const pd = new FakePagerDuty();
  let clock = new Date('2026-03-30T06:30:00Z');
  let h: IncidentStory;
  const answer = async (): Promise<string> => {
    const before = h.posts('ops').length;
    await h.say('oncall', { as: 'dave', in: 'ops' });
    return h.posts('ops').slice(before).join('\n');
  };

  beforeAll(async () => {
    await pd.start();
    pd.schedules.set('PSCHED1', [
      // carol by her email, bob by nothing the policy knows (PagerDuty's name is shown).
      {
        user: { id: 'PCAROL01', name: 'Carol M', email: 'MANAGER@oatie.ai' },
        start: '2026-03-29T00:00:00Z',
        end: '2026-03-31T00:00:00Z',
      },
      {
        user: { id: 'PNEW0001', name: 'Nina New' },
        start: '2026-03-31T00:00:00Z',
        end: '2026-04-02T00:00:00Z',
      },
    ]);
    const policy = await policyWith((yaml) =>
      withRole(
        'on-call',
        ROTATION,
      )(withRole('team-lead', SCHEDULE)(yaml))
        // P1 tells the team lead at once; the on-call comes by escalation, one second later.
        .replace(/(p1:\n(?:.*\n)*?\s+responseTime: )1h/, '$11s')
        .replace('notify: [team-lead, on-call]', 'notify: [team-lead]'),
    );
    const schedules = openPagerDutySchedules({ token: pd.apiToken, url: pd.url, timeoutMs: 1000 });
    h = await startIncidentStory({
      database: 'oncall_now',
      policy,
      targets: { schedules, close: () => Promise.resolve() },
      now: () => clock,
      holdScheduler: true,
    });
  });
  afterAll(async () => {
    await h.stop();
    await pd.stop();
  });

  it('shows who holds each role and who is next, with the hand-off in the role’s time zone', async () => {
    const text = await answer();
    expect(text).toContain('📟 On call at 2026-03-30 06:30 UTC');
    expect(text).toContain('• on-call: @alice (rotation) · next: @dave from 2026-03-30 09:00 CEST');
    expect(text).toContain(
      '• team-lead: @carol (PagerDuty schedule) · next: Nina New from 2026-03-31 00:00 UTC',
    );
    expect(text).toContain('• engineering-manager: @carol\n');
    expect(pd.oncallRequests()).toHaveLength(1);
    expect(pd.oncallRequests()[0]?.query).toMatchObject({
      'schedule_ids[]': 'PSCHED1',
      since: '2026-03-30T06:30:00.000Z',
    });
    // Asked again within the minute: PagerDuty's answer is used again.
    clock = new Date('2026-03-30T06:30:30Z');
    expect(await answer()).toContain('• team-lead: @carol (PagerDuty schedule)');
    expect(pd.oncallRequests()).toHaveLength(1);
  });

  it('says when PagerDuty does not answer, and who stands in', async () => {
    clock = new Date('2026-03-30T06:40:00Z');
    pd.hang = true;
    const hung = await answer();
    expect(hung).toContain('• team-lead: @bob\n');
    expect(hung).toMatch(
      /⚠️ PagerDuty schedule PSCHED1 could not be read \(PagerDuty's API at 127\.0\.0\.1:\d+ did not answer within 1 s\): Engineering Lead stands in from the policy\./,
    );
    pd.hang = false;
    pd.oncallsAnswer = json(500, { error: { message: 'Internal error' } });
    clock = new Date('2026-03-30T06:45:00Z');
    expect(await answer()).toContain("(PagerDuty's API at");
    expect(await answer()).toMatch(/answered HTTP 500 to GET \/oncalls\): Engineering Lead stands in/);
    pd.oncallsAnswer = undefined;
  });

  it('escalates to whoever is on call when the escalation fires', async () => {
    // Declared at 08:50 Paris time: alice is on call, but P1 tells only the team lead (carol, by PagerDuty).
    clock = new Date('2026-03-30T06:50:00Z');
    await h.say('incident p1 Report generation down', { as: 'bob', in: 'ops' });
    // The escalation fires after the 09:00 hand-off: dave holds the role by then.
    clock = new Date('2026-03-30T07:00:05Z');
    h.app.scheduler.start();
    const room = 'inc-20260330-report-generation-down';
    const escalations = () => h.posts(room).filter((p) => p.startsWith('📟 Escalation'));
    await eventually('the first escalation', () => escalations().length > 0, 8000);
    expect(escalations()[0]).toMatch(/@dave \(on-call\), please take a look: P1: Report generation down/);
    await eventually('the escalation to dave directly', () => h.dms('dave').length > 0);
    expect(h.dms('alice')).toEqual([]);
    await eventually('the team lead told directly', () => h.dms('carol').length > 0);
    expect(h.dms('carol')).toEqual([expect.stringContaining('🚨 You are notified of INC-1')]);
  });
});
