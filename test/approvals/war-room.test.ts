// Fixes inside an incident's war room: they join the incident's timeline and "Actions taken", and
// during a P0 the policy may let the requester approve their own fix.
import { listEvents } from '../../src/incidents/incident-events.js';
import type { Db } from '../../src/store/db.js';
import { repliesText, startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import { policyWith } from '../support/test-app.js';

let story: FixStory;
let db: Db;
let bot: FixHarness;

const sleeping = async (): Promise<number> => (await story.sleeper()).pid;

/** Declares an incident from #ops (as bob unless told) and returns its war room. */
async function warRoom(severity: string, title: string, declarer = 'bob'): Promise<string> {
  await bot.type(`incident ${severity} ${title}`, declarer, 'ops');
  const created = bot.chat.calls.filter((c) => c.op === 'create').at(-1);
  if (created?.op !== 'create') throw new Error('no war room');
  return created.name;
}

beforeAll(async () => {
  const policy = await policyWith((yaml) =>
    yaml.replace('allowSelfApprovalDuringP0: false', 'allowSelfApprovalDuringP0: true'),
  );
  story = await startFixStory({ oatie: 'warroom', policy });
  ({ db, bot } = story);
});

afterAll(() => story.close());

describe('fixes in a war room', () => {
  it('during a P0 someone else declared, the requester may approve their own fix; the card says why; it joins the timeline', async () => {
    const room = await warRoom('p0', 'Database connections exhausted');
    const pid = await sleeping();
    await bot.type(`db terminate ${pid}`, 'alice', room);
    const card = bot.lastCard();
    expect(await bot.press(card.approve, 'alice', room)).toEqual({});
    await story.ended(pid);
    expect(bot.cardText(card)).toContain(
      'Approved by @alice (self-approved during a P0 (policy fixes.allowSelfApprovalDuringP0): the incident was made a P0 by @bob at',
    );
    expect((await bot.fixEvents()).find((e) => e.event === 'fix.approved')?.detail?.selfApproved).toBe(true);

    const incidentId =
      (await db.query<{ id: number }>('SELECT id FROM incidents WHERE channel = $1', [room])).rows[0]?.id ??
      0;
    const actions = await listEvents(db, incidentId, ['fix']);
    expect(actions.map((a) => a.text)).toEqual([
      expect.stringContaining(`Fix db terminate (done, approved by alice): Terminate backend ${pid}`),
    ]);
    const alert = bot.chat.calls.filter((c) => c.op === 'update' && c.channel === room).at(-1);
    expect(alert?.op === 'update' && JSON.stringify(alert.message)).toContain('Fix db terminate (done');
  });

  it('outside a P0 war room the two-person rule holds even with that switch on', async () => {
    const room = await warRoom('p1', 'Reports slow');
    const pid = await sleeping();
    await bot.type(`db terminate ${pid}`, 'alice', room);
    const self = await bot.press(bot.lastCard().approve, 'alice', room);
    expect(repliesText(self.replies ?? [])).toContain('a second person must approve it (two-person rule)');
    await bot.type(`db terminate ${pid}`, 'alice', 'ops');
    const elsewhere = await bot.press(bot.lastCard().approve, 'alice', 'ops');
    expect(repliesText(elsewhere.replies ?? [])).toContain('two-person rule');
    expect(await story.alive(pid)).toBe(true);
  });
  it('the requester cannot unlock it: a P0 they declared, raised themselves, or raised after the request', async () => {
    const refusedSelf = async (room: string, raise?: { by: string }): Promise<string> => {
      const pid = await sleeping();
      await bot.type(`db terminate ${pid}`, 'alice', room);
      if (raise) await bot.type('incident severity p0', raise.by, room);
      const outcome = await bot.press(bot.lastCard().approve, 'alice', room);
      expect(await story.alive(pid)).toBe(true);
      return repliesText(outcome.replies ?? []);
    };
    const own = await warRoom('p0', 'Declared by the requester', 'alice');
    expect(await refusedSelf(own)).toContain('you made the incident a P0 yourself');

    const raisedByRequester = await warRoom('p1', 'Raised by the requester');
    await bot.type('incident severity p0', 'alice', raisedByRequester);
    expect(await refusedSelf(raisedByRequester)).toContain('you made the incident a P0 yourself');

    const raisedLater = await warRoom('p1', 'Raised after the request');
    expect(await refusedSelf(raisedLater, { by: 'bob' })).toContain(
      'the incident became a P0 only after the request',
    );
    const refusals = (await bot.fixEvents()).filter((e) => e.event === 'fix.refused');
    expect(refusals.slice(-3).map((e) => e.detail?.stage)).toEqual(['approve', 'approve', 'approve']);
  });
});
