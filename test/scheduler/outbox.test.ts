// The outbox on a real Postgres: steps go once, in order per lane, across two workers; a failure the
// platform calls temporary is retried no sooner than its Retry-After; past the retry window, or on a
// failure no retry can fix, the step is marked failed and the give-up hook runs once; a step of a kind a
// process cannot send is left to one that can.
import { silentLogger } from '../../src/core/logger.js';
import { PlatformError } from '../../src/core/platform-error.js';
import { notFound } from '../../src/core/errors.js';
import { Outbox, type FailedStep, type OutboxOptions, type Step } from '../../src/scheduler/outbox.js';
import type { Db } from '../../src/store/db.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/incident-harness.js';
import { openTestDb } from '../support/test-app.js';

const slackDown = (retryAfterMs?: number) =>
  new PlatformError(
    { platform: 'Slack', reason: 'HTTP 500', retryable: true, ...(retryAfterMs ? { retryAfterMs } : {}) },
    'Slack did not answer chat.postMessage.',
  );

describe('the outbox on Postgres', () => {
  let testDb: TestDatabase;
  let db: Db;
  let other: Db;
  const outboxes: Outbox[] = [];

  const outbox = (options: OutboxOptions = {}, on: Db = db): Outbox => {
    const created = new Outbox(on, silentLogger, { pollMs: 20, backoffMs: 50, ...options });
    outboxes.push(created);
    return created;
  };

  beforeAll(async () => {
    testDb = await createTestDatabase('outbox');
    db = await openTestDb(testDb.url);
    other = openPgDb(testDb.url);
  });
  afterEach(async () => {
    await Promise.all(outboxes.splice(0).map((o) => o.stop()));
    await db.query('DELETE FROM outbox');
  });
  afterAll(async () => {
    await other.close();
    await db.close();
    await testDb.drop();
  });

  it('sends each step once and in order per lane, with two workers polling the same store', async () => {
    const sent: Array<{ lane: string; n: number; by: string }> = [];
    const inFlight = new Set<string>();
    const workers = [outbox({}, db), outbox({}, other)];
    workers.forEach((worker, i) =>
      worker.on('note', async (step: Step) => {
        // Never two steps of one lane at once, whichever worker holds them.
        expect(inFlight.has(step.lane)).toBe(false);
        inFlight.add(step.lane);
        await new Promise((r) => setTimeout(r, 5));
        inFlight.delete(step.lane);
        sent.push({ ...(step.payload as { lane: string; n: number }), by: `w${i}` });
        return { ok: true };
      }),
    );
    await db.transaction(async (tx) => {
      for (let n = 1; n <= 15; n += 1)
        for (const lane of ['a', 'b', 'c'])
          await workers[0]?.enqueue(tx, { kind: 'note', lane, payload: { lane, n } });
    });
    workers.forEach((w) => w.start());
    await eventually('every step sent', () => sent.length >= 45, 20_000);
    expect(sent).toHaveLength(45);
    for (const lane of ['a', 'b', 'c'])
      expect(sent.filter((s) => s.lane === lane).map((s) => s.n)).toEqual(
        [...Array(15).keys()].map((k) => k + 1),
      );
    expect((await workers[0]?.backlog())?.pending).toBe(0);
  });

  it('keeps a lane waiting behind a failing step, retries no sooner than Retry-After, then sends in order', async () => {
    const box = outbox();
    let failing = true;
    const sent: number[] = [];
    box.on('post', (step) => {
      const { n } = step.payload as { n: number };
      if (failing && n === 1) return Promise.reject(slackDown(5000));
      sent.push(n);
      return Promise.resolve({ ts: `t${n}` });
    });
    await box.enqueue(db, { kind: 'post', lane: 'incident:1', payload: { n: 1 }, key: 'alert' });
    await box.enqueue(db, { kind: 'post', lane: 'incident:1', payload: { n: 2 } });
    const first = await box.deliver('incident:1');
    expect(first).toMatchObject({ pending: 2, failure: 'Slack is failing (HTTP 500)' });
    const waits = await db.query<{ wait: number }>(
      "SELECT extract(epoch FROM next_at - now())::float AS wait FROM outbox WHERE key = 'alert'",
    );
    expect(waits.rows[0]?.wait).toBeGreaterThan(4);
    // Nothing of the lane is sent while its first step waits, even when asked.
    expect((await box.deliver('incident:1')).pending).toBe(2);
    expect(sent).toEqual([]);
    failing = false;
    await db.query("UPDATE outbox SET next_at = now() WHERE key = 'alert'"); // Retry-After has passed
    expect(await box.deliver('incident:1')).toEqual({ pending: 0, failed: [] });
    expect(sent).toEqual([1, 2]);
    expect(await box.resultOf('alert')).toEqual({ ts: 't1' });
  });

  it('gives up after the retry window: marked failed, the hook runs once, the lane goes on', async () => {
    const givenUp: FailedStep[] = [];
    // A window long enough for a retry however late the first attempt starts on a loaded machine.
    const box = outbox({
      retryForMs: 2000,
      onGiveUp: (_tx, step) => {
        givenUp.push(step);
        return Promise.resolve();
      },
    });
    const sent: number[] = [];
    box.on('post', (step) => {
      const { n } = step.payload as { n: number };
      if (n === 1) return Promise.reject(slackDown());
      sent.push(n);
      return Promise.resolve({});
    });
    await box.enqueue(db, { kind: 'post', lane: 'l', payload: { n: 1, what: 'the alert of INC-1' } });
    await box.enqueue(db, { kind: 'post', lane: 'l', payload: { n: 2 } });
    box.start();
    await eventually('the second step', () => sent.length === 1, 10_000);
    expect(givenUp).toHaveLength(1);
    expect(givenUp[0]?.attempts).toBeGreaterThan(1);
    // The handler has sent the second step; its row is marked done right after.
    const states = async () =>
      (await db.query<{ state: string }>('SELECT state FROM outbox ORDER BY id')).rows.map((r) => r.state);
    await eventually('the second step marked done', async () => (await states())[1] === 'done');
    expect(await states()).toEqual(['failed', 'done']);
    expect((await box.backlog()).failed).toBe(1);
  });

  it('does not retry a failure no retry can fix (a channel that does not exist)', async () => {
    const box = outbox();
    let calls = 0;
    box.on('post', () => {
      calls += 1;
      return Promise.reject(notFound('There is no public channel #nowhere.'));
    });
    await box.enqueue(db, { kind: 'post', lane: 'l', payload: { what: 'the announcement of INC-2' } });
    const delivery = await box.deliver('l');
    expect(delivery).toEqual({
      pending: 0,
      failed: [{ what: 'the announcement of INC-2', error: 'There is no public channel #nowhere.' }],
    });
    expect(calls).toBe(1);
  });

  it('lets a retried step know what an earlier attempt recorded before its outside call', async () => {
    const box = outbox();
    const seen: unknown[] = [];
    box.on('create', async (step, context) => {
      seen.push(step.progress);
      await context.saveProgress({ tried: ['inc-x'] });
      if (seen.length === 1) throw slackDown();
      return { id: 'C1' };
    });
    await box.enqueue(db, { kind: 'create', lane: 'l', payload: {}, key: 'room' });
    await box.deliver('l');
    await db.query("UPDATE outbox SET next_at = now() WHERE key = 'room'");
    await box.deliver('l');
    expect(seen).toEqual([null, { tried: ['inc-x'] }]);
    expect(await box.resultOf('room')).toEqual({ id: 'C1' });
  });

  it('leaves a step of a kind it cannot send to a process that can (a rolling deploy: old and new replicas)', async () => {
    const previous = outbox();
    previous.on('post', () => Promise.resolve({ ok: true }));
    const next = outbox({}, other);
    next.on('post', () => Promise.resolve({ ok: true }));
    next.on('page', () => Promise.resolve({ paged: true }));
    await previous.enqueue(db, { kind: 'page', lane: 'page:1', payload: {}, key: 'page' });
    expect(await previous.runDue()).toBe(0);
    expect(await previous.deliver('page:1')).toEqual({ pending: 1, failed: [] });
    expect(await next.stateOf('page')).toBe('pending');
    expect(await next.runDue()).toBe(1);
    expect(await next.resultOf('page')).toEqual({ paged: true });
  });

  it("says a due step it may not send is pending, without polling the store for it (another platform's step)", async () => {
    let queries = 0;
    const counted: Db = { ...db, query: (sql, params) => ((queries += 1), db.query(sql, params)) };
    const teams = outbox({ platform: 'teams' });
    const slack = outbox({ platform: 'slack' }, counted);
    slack.on('note', () => Promise.resolve({ ok: true }));
    await teams.enqueue(db, { kind: 'note', lane: 'shared', payload: {} });
    queries = 0;
    const delivery = await slack.deliver('shared');
    expect(delivery.pending).toBe(1);
    // Two claims and two looks at the lane; without a bound it polled until its 20 s deadline.
    expect(queries).toBeLessThanOrEqual(4);
  });
});
