// Escalation: when nobody acknowledges within the response time, the next person of the chain is
// told in the war room and by direct message, until someone acknowledges or the chain is exhausted.
// A P0 without a status page update by its deadline gets one reminder.
import {
  buttonIn,
  eventually,
  fastPolicy,
  sleep,
  startIncidentStory,
  warRoomToday,
  type IncidentStory,
} from '../support/incident-harness.js';

describe('escalation when nobody acknowledges', () => {
  let h: IncidentStory;

  beforeAll(async () => {
    // A P0 that notifies only the on-call at once, to walk the chain (the shipped P0 notifies all).
    const policy = await fastPolicy({
      p0: { responseTime: '1s', statusPageDeadline: '1s', notify: ['on-call'] },
      p1: { responseTime: '1s' },
    });
    h = await startIncidentStory({ database: 'incidents_escalation', policy });
  });
  afterAll(() => h.stop());

  it('walks the chain (on-call → team lead → engineering manager), then says everyone was told', async () => {
    // dave declares the P0: the on-call (alice) is notified at once; bob and carol come by escalation.
    await h.say('incident p0 Complete outage of the API', { as: 'dave', in: 'ops' });
    const room = warRoomToday('complete-outage-of-the-api');
    const escalations = () => h.posts(room).filter((p) => p.startsWith('📟'));
    await eventually('the chain to be exhausted', () => escalations().length >= 3, 8000);

    const [toBob, toCarol, exhausted] = escalations();
    expect(toBob).toMatch(
      /^📟 Escalation: INC-1 is not acknowledged after \d+ seconds?\n\n@bob \(team-lead\), please take a look: P0: Complete outage of the API/,
    );
    expect(toBob).toContain('[Acknowledge] Acknowledge');
    expect(toCarol).toMatch(/@carol \(engineering-manager\), please take a look/);
    expect(exhausted).toMatch(/Everyone in the escalation chain has been notified \(@alice, @bob, @carol\)/);
    expect(h.dms('bob')).toEqual([toBob]);
    expect(h.dms('carol')).toEqual([toCarol]);
    expect(h.dms('alice')).toEqual([expect.stringContaining('🚨 You are notified of INC-1: P0 (Critical)')]);
    // Those reached by escalation are brought into the war room.
    expect(
      h.chat.calls
        .filter((c) => c.op === 'invite' && c.channel === room)
        .map((c) => (c.op === 'invite' ? c.users : [])),
    ).toEqual([['dave', 'alice'], ['bob'], ['carol']]);

    const statusPage = h.posts(room).filter((p) => p.startsWith('📢'));
    expect(statusPage).toEqual([
      expect.stringContaining(
        '📢 Status page: INC-1 (P0) has had no status page update in the 1 second since it started.',
      ),
    ]);

    await sleep(1300);
    expect(escalations()).toHaveLength(3);
    expect(await h.app.scheduler.pending('incident:1:escalation')).toEqual([]);
  });

  it('stops escalating once someone acknowledges', async () => {
    await h.say('incident p1 Reports fail for one organisation', { as: 'alice', in: 'ops' });
    const room = warRoomToday('reports-fail-for-one-organisation');
    const escalations = () => h.posts(room).filter((p) => p.startsWith('📟'));
    // P1 notifies bob and alice at once: the first escalation goes to carol.
    await eventually('the first escalation', () => escalations().length >= 1, 4000);
    expect(escalations()[0]).toContain('@carol (engineering-manager)');

    await h.press(await buttonIn(h.chat, room, 'Acknowledge'), { as: 'carol', in: room });
    await eventually('the acknowledgement', () =>
      h.posts(room).some((p) => /^✅ INC-2 acknowledged by @carol/.test(p)),
    );
    // Nothing is left to fire: the acknowledgement took INC-2's escalation timers away.
    expect(await h.app.scheduler.pending('incident:2:escalation')).toEqual([]);
    expect(escalations()).toHaveLength(1);
  });

  it('the shipped P0 reaches on-call, team lead and engineering manager at once, each by direct message', async () => {
    const shipped = await startIncidentStory({
      database: 'incidents_p0_notify',
      policy: await fastPolicy({ p0: { responseTime: '1s', statusPageDeadline: null } }),
    });
    try {
      await shipped.say('incident p0 Checkout down --service Payments --impact "No order can be paid"', {
        as: 'dave',
        in: 'ops',
      });
      const room = warRoomToday('checkout-down');
      expect(
        shipped.chat.calls
          .filter((c) => c.op === 'invite' && c.channel === room)
          .map((c) => (c.op === 'invite' ? c.users : [])),
      ).toEqual([['dave', 'alice', 'bob', 'carol']]);
      for (const person of ['alice', 'bob', 'carol']) {
        const [dm] = shipped.dms(person);
        expect(dm).toContain('🚨 You are notified of INC-1: P0 (Critical): Checkout down');
        expect(dm).toContain('Service: Payments');
        expect(dm).toContain('Impact: No order can be paid');
        expect(dm).toContain(`War room: #${room} (you are invited)`);
        expect(dm).toContain('Incident Commander: @dave');
      }
      const alert = shipped.posts(room)[0] ?? '';
      expect(alert).toContain('Notified: @alice, @bob, @carol');
      // Nobody is left to escalate to: the first escalation says everyone was told.
      await eventually('the escalation', () => shipped.posts(room).some((p) => p.startsWith('📟')), 5000);
      expect(shipped.posts(room).find((p) => p.startsWith('📟'))).toContain(
        'Everyone in the escalation chain has been notified',
      );
    } finally {
      await shipped.stop();
    }
  });
});
