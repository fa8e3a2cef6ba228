// The whole P1 story with intervals of seconds: declare, war room, invitations, alert, two
// reminders, an update that moves the next reminder, acknowledge, resolve with the duration,
// review scheduled, timers gone.
import { recordIncidentAction } from '../../src/incidents/index.js';
import { listEvents } from '../../src/incidents/incident-events.js';
import { textOf } from '../support/fix-harness.js';
import {
  buttonIn,
  eventually,
  fastPolicy,
  sleep,
  startIncidentStory,
  warRoomToday,
  type IncidentStory,
} from '../support/incident-harness.js';

const INTERVAL_MS = 2000;

describe('a P1 incident, from declaration to review', () => {
  let h: IncidentStory;

  // On PGlite, the store the console uses by default.
  beforeAll(async () => {
    h = await startIncidentStory({ policy: await fastPolicy({ p1: { updateInterval: '2s' } }) });
  });
  afterAll(() => h.stop());

  const room = warRoomToday('report-generation-down');
  const reminders = () => h.posts(room).filter((p) => p.startsWith('⏰ Reminder'));

  it('opens a war room, invites the commander and the P1 contacts, posts the alert and announces it', async () => {
    await h.say('incident p1 Report generation down', { as: 'alice', in: 'ops' });

    expect(h.chat.calls.find((c) => c.op === 'create')).toEqual({ op: 'create', name: room });
    expect(h.chat.calls.find((c) => c.op === 'invite')).toEqual({
      op: 'invite',
      channel: room,
      users: ['alice', 'bob'],
    });
    const topic = h.chat.calls.find((c) => c.op === 'topic');
    expect(topic?.op === 'topic' ? [topic.channel, topic.topic] : []).toEqual([
      room,
      'INC-1 P1: Report generation down · status investigating',
    ]);

    const [alert] = h.posts(room);
    expect(alert).toContain('🚨 INCIDENT ALERT 🚨');
    expect(alert).toContain('INC-1: Report generation down');
    expect(alert).toContain('Severity: P1 (High)');
    expect(alert).toMatch(/Started: \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(alert).toContain('Current Status: INVESTIGATING');
    expect(alert).toContain('ETA for Resolution: TBD');
    expect(alert).toContain('Actions Taken:');
    expect(alert).toContain('Next Steps:');
    expect(alert).toContain('Incident Commander: @alice');
    expect(alert).toContain(`War Room: #${room}`);
    expect(alert).toContain('Updates will be provided every 2 seconds.');
    expect(alert).toContain('[Acknowledge] Acknowledge  [Post update] Post update  [Resolve] Resolve');

    expect(h.posts('incidents')).toEqual([
      expect.stringContaining(`INC-1 declared: P1 (High): Report generation down\nWar room: #${room}`),
    ]);
    expect(h.posts('ops')).toEqual([expect.stringContaining(`War room: #${room}`)]);
  });

  it('reminds the war room every interval, naming the commander and the time since the last update', async () => {
    await eventually('two reminders', () => reminders().length >= 2, 3 * INTERVAL_MS + 2000);
    const [first, second] = reminders();
    expect(first).toMatch(
      /^⏰ Reminder: INC-1 needs a status update\n\n@alice, it has been \d+ seconds since the last update/,
    );
    // A loaded machine may fire a reminder late, never early: the second counts more time than the first.
    const since = (text: string | undefined) => Number(/it has been (\d+) seconds/.exec(text ?? '')?.[1]);
    expect(since(first)).toBeGreaterThanOrEqual(2);
    expect(since(second)).toBeGreaterThan(since(first));
    expect(first).toContain('[Post update]');
  });

  it('moves the next reminder to one interval after an update', async () => {
    await h.say('incident update identified Connection pool exhausted; raising the pool size', {
      as: 'bob',
      in: room,
    });
    const update = h.posts(room).find((p) => p.startsWith('📣'));
    expect(update).toContain(
      '📣 INC-1 update: IDENTIFIED\n\nConnection pool exhausted; raising the pool size',
    );
    expect(update).toContain('Posted by @bob');
    // The alert follows: next steps for an identified cause, the update under Updates, not Actions Taken.
    const alert = h.chat.calls.filter((c) => c.op === 'update').at(-1);
    const alertText = alert && 'message' in alert ? textOf(alert.message) : '';
    expect(alertText).toContain('Current Status: IDENTIFIED');
    expect(alertText).not.toContain('find the cause');
    expect(alertText).toContain('- Apply the fix for the cause found');
    expect(alertText).toMatch(/Updates:\n- \d\d:\d\d UTC — Connection pool exhausted; raising the pool size/);
    expect(alertText.split('Updates:')[0]).not.toContain('raising the pool size');

    await eventually('a third reminder', () => reminders().length >= 3, INTERVAL_MS + 3000);
    const events = await listEvents(h.db, 1);
    const updatedAt = events.find((e) => e.kind === 'update')?.at.getTime() ?? 0;
    const remindedAt = events.filter((e) => e.kind === 'reminder').map((e) => e.at.getTime());
    expect(remindedAt).toHaveLength(3);
    // The third reminder came one interval after the update, not on the old beat.
    expect((remindedAt[2] ?? 0) - updatedAt).toBeGreaterThanOrEqual(INTERVAL_MS - 50);
    expect(reminders()[2]).toMatch(/it has been \d+ seconds since the last update/);
  });

  it('is acknowledged with the button; escalation stops and the alert shows who', async () => {
    await h.press(await buttonIn(h.chat, room, 'Acknowledge'), { as: 'bob', in: room });
    // Posted once (a reminder may follow it at once on a loaded machine, so it need not be the last).
    const acks = h.posts(room).filter((p) => p.startsWith('✅ INC-1 acknowledged'));
    expect(acks).toHaveLength(1);
    expect(acks[0]).toMatch(/^✅ INC-1 acknowledged by @bob after \d+ seconds\. Escalation stopped\.$/);
    const pending = await h.app.scheduler.pending('incident:1:');
    expect(pending.map((t) => t.kind)).toEqual(['incident.reminder']);
    const lastAlert = h.chat.calls.filter((c) => c.op === 'update').at(-1);
    expect(lastAlert && 'message' in lastAlert ? lastAlert.message.text : '').toBe('🚨 INCIDENT ALERT 🚨');
  });

  it('adds actions recorded by other domains to "Actions taken", only in the war room', async () => {
    expect(await recordIncidentAction(h.app.services, room, 'Restarted report-service', 'dave')).toBe(
      'INC-1',
    );
    expect(
      await recordIncidentAction(h.app.services, 'ops', 'Restarted report-service', 'dave'),
    ).toBeUndefined();
  });

  it('resolves with the duration, in the war room and the incidents channel, and schedules the review', async () => {
    await h.say('incident resolve Connection pool exhaustion during peak hours', { as: 'alice', in: room });
    const resolved = h.posts(room).at(-1) ?? '';
    expect(resolved).toMatch(/^✅ INCIDENT RESOLVED ✅\n\nINC-1: Report generation down\n\nSeverity: P1\n/);
    expect(resolved).toMatch(/Duration: \d+ seconds \(\d\d:\d\d - \d\d:\d\d UTC\)/);
    expect(resolved).toContain('Root Cause:\nConnection pool exhaustion during peak hours');
    // Without --fix, the resolution lists the work done (not the status updates, not who was paged).
    expect(resolved).toContain('Resolution:\n- Restarted report-service\n\nPrevention:');
    expect(resolved).toMatch(/Post-Incident Review:\nScheduled for \d{4}-\d\d-\d\d 10:00 UTC/);
    expect(h.posts('incidents').at(-1)).toBe(resolved);

    const pending = await h.app.scheduler.pending('incident:1:');
    expect(pending.map((t) => t.kind)).toEqual(['incident.review']);
    const review = pending[0]?.dueAt ?? new Date(0);
    expect(review.getUTCHours()).toBe(10);
    expect(review.getUTCMinutes()).toBe(0);
    expect([1, 2, 3, 4, 5]).toContain(review.getUTCDay());
    expect(review.getTime()).toBeGreaterThan(Date.now());
  });

  it('posts no more reminders, and keeps every event in the timeline and the audit log', async () => {
    const before = reminders().length;
    await sleep(INTERVAL_MS + 300);
    expect(reminders()).toHaveLength(before);

    await h.say('incident timeline', { in: room });
    const timeline = h.posts(room).at(-1) ?? '';
    for (const kind of [
      'declared',
      'war-room',
      'reminder',
      'update',
      'acknowledged',
      'action',
      'resolved',
      'review-scheduled',
    ]) {
      expect(timeline).toContain(kind);
    }
    expect(timeline).toMatch(/ bob\s+acknowledged/); // a name in a table cell (the console shows the id)

    const audit = await h.app.services.audit.since(new Date(Date.now() - 60_000));
    const incidentEvents = audit
      .filter((a) => a.event.startsWith('incident.'))
      .map((a) => [a.event, a.actor, a.target]);
    expect(incidentEvents.reverse()).toEqual([
      ['incident.declared', 'alice', 'INC-1'],
      ['incident.acknowledged', 'bob', 'INC-1'],
      ['incident.resolved', 'alice', 'INC-1'],
    ]);
  });
});
