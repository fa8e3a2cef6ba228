// Stories of the approval flow against a real Oatie database: a fix is planned, shown, refused to
// the requester, approved by a second person, run exactly once, and every step is audited.
import type { Db } from '../../src/store/db.js';
import {
  repliesText,
  startFixHarness,
  startFixStory,
  type FixHarness,
  type FixStory,
} from '../support/fix-harness.js';
import { eventually, type OatieDatabase } from '../support/oatie-database.js';

let story: FixStory;
let oatie: OatieDatabase;
let db: Db;
let bot: FixHarness;

beforeAll(async () => {
  story = await startFixStory({ oatie: 'approvals' });
  ({ oatie, db, bot } = story);
});

afterAll(() => story.close());

describe('db terminate with approval', () => {
  it('terminates a long pg_sleep only after a second person approves, and audits each step', async () => {
    const { pid, done } = await story.sleeper();
    expect(await bot.type(`db terminate ${pid}`, 'alice')).toEqual([]);
    const card = bot.lastCard();
    const shown = bot.cardText(card);
    expect(shown).toContain('Fix awaiting approval: db terminate');
    expect(shown).toContain(`SELECT pg_terminate_backend(${pid})`);
    expect(shown).toContain('report-worker');
    expect(shown).toContain('Requested by: @alice');
    expect(shown).toContain('Expires:');
    expect(shown).toContain('[Approve] Approve  [Reject] Reject');
    const posted = bot.chat.calls.find((c) => c.op === 'post' && c.id === card.posted.id);
    const buttons =
      posted?.op === 'post'
        ? posted.message.blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons : []))
        : [];
    expect(buttons.map((b) => [b.label, b.style, b.confirm?.title, b.confirm?.confirm])).toEqual([
      ['Approve', 'primary', 'Run this fix?', 'Approve and run'],
      ['Reject', 'danger', undefined, undefined],
    ]);
    expect(await story.alive(pid)).toBe(true);

    const self = await bot.press(card.approve, 'alice');
    expect(repliesText(self.replies ?? [])).toContain('You cannot approve this: you requested this fix');
    expect(await story.alive(pid)).toBe(true);

    expect(await bot.press(card.approve, 'bob')).toEqual({});
    await story.ended(pid);
    expect(String(await done)).toMatch(/terminat/i);
    const after = bot.cardText(card);
    expect(after).toContain('Fix done: db terminate');
    expect(after).toContain('Approved by @bob');
    expect(after).toContain(`Backend ${pid} terminated.`);
    expect(after).not.toContain('[Approve]');

    const events = (await bot.fixEvents()).map((e) => [e.event, e.actor, e.outcome]);
    expect(events).toEqual([
      ['fix.requested', 'alice', 'pending'],
      ['fix.refused', 'alice', 'forbidden'],
      ['fix.approved', 'bob', 'approved'],
      ['fix.executed', 'bob', 'succeeded'],
    ]);
    const executed = (await bot.fixEvents()).at(-1);
    expect(executed?.statement).toBe(`SELECT pg_terminate_backend(${pid})`);
    expect(executed?.target).toBe(bot.targets.postgres?.description);
  });

  it('points a repeated request at the card awaiting approval instead of posting a second one', async () => {
    const { pid } = await story.sleeper();
    expect(await bot.type(`db terminate ${pid}`, 'alice')).toEqual([]);
    const card = bot.lastCard();
    const posts = () => bot.chat.calls.filter((c) => c.op === 'post').length;
    const before = posts();

    const again = repliesText(await bot.type(`db terminate ${pid}`, 'bob'));
    expect(again).toMatch(
      /This fix is already awaiting approval in this channel: request #\d+ by @alice, which expires in \d+ minutes?\. Approve or reject that card; no second card was posted\./,
    );
    expect(posts()).toBe(before);
    expect((await bot.fixEvents()).at(-1)).toMatchObject({
      event: 'fix.refused',
      actor: 'bob',
      outcome: 'duplicate',
    });

    // Once that request is decided, the same fix may be asked for again.
    await bot.press(card.reject, 'bob');
    expect(await bot.type(`db terminate ${pid}`, 'alice')).toEqual([]);
    expect(bot.lastCard().approve).not.toBe(card.approve);
    expect(await story.alive(pid)).toBe(true);
  });

  it('posts one card for identical requests typed at the same instant; the others point at it', async () => {
    const { pid } = await story.sleeper();
    const posts = () => bot.chat.calls.filter((c) => c.op === 'post').length;
    const before = posts();
    const answers = await Promise.all(
      ['alice', 'bob', 'alice', 'bob'].map((who) => bot.type(`db terminate ${pid}`, who)),
    );
    expect(posts() - before).toBe(1);
    expect(answers.filter((a) => a.length === 0)).toHaveLength(1);
    expect(answers.filter((a) => repliesText(a).includes('already awaiting approval'))).toHaveLength(3);
    const pending = await db.query(
      "SELECT id FROM approvals WHERE state = 'pending' AND command = 'db terminate' AND args::text LIKE $1",
      [`%${pid}%`],
    );
    expect(pending.rows).toHaveLength(1);
    await bot.press(bot.lastCard().reject, 'bob');
    expect(await story.alive(pid)).toBe(true);
  });

  it('refuses anyone the policy does not list as an approver, and anyone unknown', async () => {
    const { pid } = await story.sleeper();
    await bot.type(`db terminate ${pid}`, 'alice');
    const card = bot.lastCard();
    const stranger = await bot.press(card.approve, 'mallory');
    expect(repliesText(stranger.replies ?? [])).toContain(
      'You cannot approve this: low-risk fixes are approved by group:sre',
    );
    expect(await story.alive(pid)).toBe(true);
    const [last] = (await bot.approvals()).slice(-1);
    expect(last?.state).toBe('pending');
  });

  it('runs once when the same Approve arrives twice at the same time', async () => {
    const { pid } = await story.sleeper();
    await bot.type(`db terminate ${pid}`, 'alice');
    const card = bot.lastCard();
    const outcomes = await Promise.all([bot.press(card.approve, 'bob'), bot.press(card.approve, 'carol')]);
    const answered = outcomes.map((o) => repliesText(o.replies ?? []));
    expect(answered.filter((t) => t === '')).toHaveLength(1);
    expect(answered.find((t) => t !== '')).toMatch(/Already approved by @(bob|carol)/);
    const id = (await bot.approvals()).at(-1)?.id;
    const executed = (await bot.fixEvents()).filter(
      (e) => e.event === 'fix.executed' && e.detail?.approvalId === id,
    );
    expect(executed).toHaveLength(1);
    await story.ended(pid);
  });

  it('runs once when two replicas on one store receive the click', async () => {
    const { pid } = await story.sleeper();
    const replicaDb = await story.openStore();
    const replica = await startFixHarness({ db: replicaDb, env: story.env });
    try {
      await bot.type(`db terminate ${pid}`, 'alice');
      const card = bot.lastCard();
      await Promise.all([bot.press(card.approve, 'bob'), replica.press(card.approve, 'bob')]);
      const id = (await bot.approvals()).at(-1)?.id;
      const runs = (await bot.fixEvents()).filter(
        (e) => e.detail?.approvalId === id && e.event.startsWith('fix.ex'),
      );
      expect(runs).toHaveLength(1);
      expect((await bot.approvals()).at(-1)?.state).toBe('succeeded');
      await story.ended(pid);
    } finally {
      await replica.close();
      await replicaDb.close();
    }
  });

  it('does not kill a pid that ended and was reused between the plan and the approval', async () => {
    const first = await story.sleeper('first-owner');
    await bot.type(`db terminate ${first.pid}`, 'alice');
    const card = bot.lastCard();
    // The first backend ends; a new connection stands in for "the same pid, another backend": the
    // stored identity (pid + backend_start + query) is rewritten onto the new backend's pid.
    await oatie.sql('SELECT pg_terminate_backend($1)', [first.pid]);
    await story.ended(first.pid);
    const second = await story.sleeper('second-owner');
    await db.query(
      `UPDATE approvals SET plan = jsonb_set(plan, '{data,pid}', to_jsonb($1::int)) WHERE id = (SELECT max(id) FROM approvals)`,
      [second.pid],
    );
    await bot.press(card.approve, 'bob');
    expect(await story.alive(second.pid)).toBe(true);
    const text = bot.cardText(card);
    expect(text).toContain('Fix failed: db terminate');
    expect(text).toContain(
      `Nothing ran: pid ${second.pid} is now a different connection (the backend ended and its pid was reused).`,
    );
    expect((await bot.fixEvents()).at(-1)).toMatchObject({ event: 'fix.failed', outcome: 'changed' });
  });

  it('does not kill a backend that moved on to another query', async () => {
    const client = await oatie.client('busy-worker');
    story.track(client);
    const [{ pid } = { pid: 0 }] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
      .rows;
    // The first query runs until the test lets it end (it waits for a lock the test holds): a
    // query of a fixed length could end before the request is made, on a busy machine.
    const holder = await oatie.client('lock-holder');
    story.track(holder);
    await holder.query('SELECT pg_advisory_lock(4242)');
    const firstQuery = client.query('SELECT pg_advisory_lock(4242)');
    await eventually('the first query', async () =>
      (await oatie.sql("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [pid])).length
        ? true
        : undefined,
    );
    await bot.type(`db terminate ${pid}`, 'alice');
    const card = bot.lastCard();
    await holder.query('SELECT pg_advisory_unlock(4242)');
    await firstQuery;
    void client.query('SELECT pg_sleep(30)').catch(() => undefined);
    await eventually('the second query', async () =>
      (await oatie.sql("SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active'", [pid])).length
        ? true
        : undefined,
    );
    await bot.press(card.approve, 'bob');
    expect(await story.alive(pid)).toBe(true);
    expect(bot.cardText(card)).toContain(`Nothing ran: backend ${pid} now runs another query.`);
  });

  it('lets the requester withdraw, and a rejected request cannot be approved', async () => {
    const { pid } = await story.sleeper();
    await bot.type(`db terminate ${pid}`, 'alice');
    const card = bot.lastCard();
    const dave = await bot.press(card.reject, 'mallory');
    expect(repliesText(dave.replies ?? [])).toContain('You cannot reject this');
    expect(await bot.press(card.reject, 'alice')).toEqual({});
    expect(bot.cardText(card)).toContain('Fix rejected: db terminate');
    expect(bot.cardText(card)).toContain('Rejected by @alice');
    const late = await bot.press(card.approve, 'bob');
    expect(repliesText(late.replies ?? [])).toContain(
      'This request was rejected by @alice; it cannot be approved.',
    );
    expect(await story.alive(pid)).toBe(true);
    expect((await bot.fixEvents()).slice(-2).map((e) => [e.event, e.outcome])).toEqual([
      ['fix.rejected', 'rejected'],
      ['fix.refused', 'already-rejected'],
    ]);
  });
});
