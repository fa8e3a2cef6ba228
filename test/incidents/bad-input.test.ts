// Bad input: unknown severities, empty, huge or hostile titles, commands outside a war room,
// resolving twice, acknowledging a resolved incident. Each gets a clear answer; nothing is corrupted.
import { splitMentions } from '../../src/chat/message.js';
import { findIncident } from '../../src/incidents/incident-store.js';
import {
  buttonIn,
  fastPolicy,
  startIncidentStory,
  warRoomToday,
  type IncidentStory,
} from '../support/incident-harness.js';

describe('incident commands given bad input', () => {
  let h: IncidentStory;
  const lastAnswer = (user = 'alice') => h.privately(user).at(-1) ?? '';
  const incidentCount = async () =>
    (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents')).rows[0]?.n;

  beforeAll(async () => {
    h = await startIncidentStory({ database: 'incidents_bad', policy: await fastPolicy({}) });
  });
  afterAll(() => h.stop());

  it('refuses an unknown severity, an empty title and a 5,000-character title, creating nothing', async () => {
    await h.say('incident p5 Reports are slow');
    expect(lastAnswer()).toContain('<severity>: expected p0, p1, p2 or p3.');
    await h.say('incident p1');
    expect(lastAnswer()).toContain('An incident needs a title that says what is broken.');
    expect(lastAnswer()).toContain('incident p0|p1|p2|p3 <title>');
    await h.say('incident p1 "   "');
    expect(lastAnswer()).toContain('<title>: expected a title.');
    await h.say(`incident p1 ${'x'.repeat(5000)}`);
    expect(lastAnswer()).toContain('<title>: a title is too long (at most 150 characters).');
    await h.say('incident');
    expect(lastAnswer()).toContain('Which severity? Start with p0, p1, p2 or p3.');
    expect(await incidentCount()).toBe(0);
    expect(h.chat.calls.filter((c) => c.op === 'create')).toEqual([]);
  });

  it('keeps <!here> and emoji as plain text in the alert and out of the war room name', async () => {
    await h.say('incident p1 <!here> 🔥 Reports <b>down</b> for @channel user:U1 🔥');
    const room = warRoomToday('here-reports-b-down-b-for-channel-user-u1');
    expect(h.chat.channels.has(room)).toBe(true);
    const incident = await findIncident(h.db, 1);
    expect(incident?.title).toBe('<!here> 🔥 Reports <b>down</b> for @channel user:U1 🔥');
    const alert = h.chat.calls.find((c) => c.op === 'post' && c.channel === room);
    const alertText =
      alert?.op === 'post'
        ? alert.message.blocks.map((b) => (b.kind === 'section' ? b.text : '')).join('\n')
        : '';
    expect(alertText).toContain('INC-1: <!here> 🔥 Reports <b>down</b> for @channel user:U1 🔥');
    // The only mentions in the alert are the ones the bot made (commander, contacts).
    const mentioned = splitMentions(alertText).flatMap((p) => (p.kind === 'user' ? [p.id] : []));
    expect(new Set(mentioned)).toEqual(new Set(['alice', 'bob']));
  });

  it('names war rooms of emoji-only and very long titles safely, adding -2, -3 … on a clash', async () => {
    h.chat.channels.add(warRoomToday('incident'));
    await h.say('incident p1 🔥🔥🔥');
    await h.say('incident p1 🚒');
    expect(h.chat.channels.has(warRoomToday('incident-2'))).toBe(true);
    expect(h.chat.channels.has(warRoomToday('incident-3'))).toBe(true);

    const long = `Reports ${'very '.repeat(26)}slow`;
    await h.say(`incident p1 ${long}`);
    // From another channel: the same title in the same channel within 2 minutes asks first.
    await h.say(`incident p1 ${long}`, { in: 'ops-eu' });
    const created = h.chat.calls.flatMap((c) => (c.op === 'create' ? [c.name] : [])).slice(-2);
    expect(created[0]?.length).toBeLessThanOrEqual(80);
    expect(created[1]?.length).toBeLessThanOrEqual(80);
    expect(created[1]).toBe(`${created[0]?.slice(0, 78).replace(/-+$/, '')}-2`);
    for (const name of created) expect(name).toMatch(/^[a-z0-9-]+$/);

    // A war room an incident had is never reused, even when the platform forgot it (a console restart).
    await h.say('incident p1 Cache cold');
    h.chat.channels.clear();
    await h.say('incident p1 Cache cold', { in: 'ops-eu' });
    expect(h.chat.calls.flatMap((c) => (c.op === 'create' ? [c.name] : [])).slice(-2)).toEqual([
      warRoomToday('cache-cold'),
      warRoomToday('cache-cold-2'),
    ]);
  });

  it('answers incident commands typed outside a war room, changing nothing', async () => {
    for (const command of [
      'incident ack',
      'incident update identified found it',
      'incident severity p0',
      'incident resolve fixed',
      'incident timeline',
    ]) {
      await h.say(command, { in: 'random' });
      expect(lastAnswer()).toContain('No incident lives in this channel.');
    }
    await h.say('incident list', { in: 'random' });
    expect(h.posts('random').at(-1)).toContain('Open incidents (');
  });

  it('answers resolving twice and acknowledging or updating a resolved incident, keeping the resolution', async () => {
    await h.say('incident p1 Login broken');
    const room = warRoomToday('login-broken');
    const id =
      (await h.db.query<{ id: number }>('SELECT id FROM incidents WHERE channel = $1', [room])).rows[0]?.id ??
      0;
    await h.say('incident resolve Expired certificate', { in: room });
    const resolved = await findIncident(h.db, id);
    expect(resolved?.state).toBe('resolved');

    await h.say('incident resolve Something else', { in: room });
    expect(lastAnswer()).toMatch(
      new RegExp(
        `INC-${id} was already resolved at \\d\\d:\\d\\d UTC: it can no longer be resolved again\\.`,
      ),
    );
    await h.say('incident ack', { in: room, as: 'bob' });
    expect(lastAnswer('bob')).toContain('it can no longer be acknowledged.');
    await h.press(await buttonIn(h.chat, room, 'Acknowledge'), { as: 'bob', in: room });
    expect(lastAnswer('bob')).toContain('it can no longer be acknowledged.');
    await h.say('incident update monitoring all good', { in: room });
    expect(lastAnswer()).toContain('it can no longer be updated.');
    await h.say('incident severity p0', { in: room });
    expect(lastAnswer()).toContain('it can no longer be changed.');

    expect(await findIncident(h.db, id)).toEqual(resolved);
    expect((await h.app.scheduler.pending(`incident:${id}:`)).map((t) => t.kind)).toEqual([
      'incident.review',
    ]);
  });

  it('lets exactly one of two simultaneous acknowledgements win', async () => {
    await h.say('incident p1 Exports stuck');
    const room = warRoomToday('exports-stuck');
    const ack = await buttonIn(h.chat, room, 'Acknowledge');
    await Promise.all([h.press(ack, { as: 'bob', in: room }), h.press(ack, { as: 'carol', in: room })]);
    const acks = h.posts(room).filter((p) => p.startsWith('✅') && p.includes('acknowledged by'));
    expect(acks).toHaveLength(1);
    const loser = acks[0]?.includes('@bob') ? 'carol' : 'bob';
    expect(lastAnswer(loser)).toContain('was already acknowledged by');
  });

  it('asks for what is missing, and refuses a second incident without war room in one channel', async () => {
    await h.say('incident p2 Slow dashboard', { in: 'team' });
    await h.say('incident update investigating', { in: 'team' });
    expect(lastAnswer()).toContain('An update needs a text saying what changed.');
    await h.say('incident resolve', { in: 'team' });
    expect(lastAnswer()).toContain('Resolving needs the root cause.');
    await h.say('incident severity p2', { in: 'team' });
    expect(lastAnswer()).toMatch(/INC-\d+ is already P2\./);
    await h.say('incident p3 Typo on the login page', { in: 'team' });
    expect(lastAnswer()).toMatch(/INC-\d+ is still open in this channel/);
    expect((await h.db.query('SELECT 1 FROM incidents WHERE channel = $1', ['team'])).rows).toHaveLength(1);
  });
});
