// Durable timers: due timers fire once, across restarts and across several processes.
import { silentLogger } from '../../src/core/logger.js';
import { Scheduler, type Timer } from '../../src/scheduler/scheduler.js';
import type { Db } from '../../src/store/db.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { openTestDb } from '../support/test-app.js';
import { eventually } from '../support/incident-harness.js';

const inMs = (ms: number) => new Date(Date.now() + ms);

describe('durable timers on Postgres', () => {
  let testDb: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDatabase('timers');
    db = await openTestDb(testDb.url);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });
  beforeEach(() => db.query('DELETE FROM timers'));

  it('runs a due timer once and leaves future ones in the store', async () => {
    const scheduler = new Scheduler(db, silentLogger);
    const fired: unknown[] = [];
    scheduler.on('ping', (t) => {
      fired.push(t.payload);
      return Promise.resolve();
    });
    await scheduler.schedule('ping', inMs(-1000), { n: 1 });
    await scheduler.schedule('ping', inMs(60_000), { n: 2 });
    expect(await scheduler.runDue()).toBe(1);
    expect(await scheduler.runDue()).toBe(0);
    expect(fired).toEqual([{ n: 1 }]);
    expect((await scheduler.pending()).map((t) => t.payload)).toEqual([{ n: 2 }]);
  });

  it('leaves a timer of a kind it does not run to a process that does (a rolling deploy)', async () => {
    const previous = new Scheduler(db, silentLogger, { maxAttempts: 1 });
    previous.on('ping', () => Promise.resolve());
    const next = new Scheduler(db, silentLogger);
    const fired: unknown[] = [];
    next.on('ping', () => Promise.resolve());
    next.on('review', (t) => {
      fired.push(t.payload);
      return Promise.resolve();
    });
    await next.schedule('review', inMs(-1000), { incident: 7 });
    expect(await previous.runDue()).toBe(0);
    expect(await next.runDue()).toBe(1);
    expect(fired).toEqual([{ incident: 7 }]);
  });

  it('moves and cancels timers by key', async () => {
    const scheduler = new Scheduler(db, silentLogger);
    await scheduler.schedule('reminder', inMs(1000), {}, 'incident:1:reminder');
    await scheduler.reschedule('reminder', 'incident:1:reminder', inMs(5000));
    await scheduler.schedule('escalate', inMs(1000), {}, 'incident:1:escalate');
    await scheduler.schedule('escalate', inMs(1000), {}, 'incident:2:escalate');
    const pending = await scheduler.pending('incident:1:');
    expect(pending.map((t) => t.kind)).toEqual(['escalate', 'reminder']);
    expect(await scheduler.cancel('incident:1:*')).toBe(2);
    expect((await scheduler.pending()).map((t) => t.key)).toEqual(['incident:2:escalate']);
  });

  it('retries a failing timer later, then gives up', async () => {
    const scheduler = new Scheduler(db, silentLogger, { maxAttempts: 2 });
    let calls = 0;
    scheduler.on('flaky', () => {
      calls += 1;
      return Promise.reject(new Error('chat down'));
    });
    await scheduler.schedule('flaky', inMs(-10));
    await scheduler.runDue();
    await db.query("UPDATE timers SET due_at = now() - interval '1 second' WHERE state = 'pending'");
    await scheduler.runDue();
    const rows = await db.query<{ state: string; attempts: number; last_error: string }>(
      'SELECT state, attempts, last_error FROM timers',
    );
    expect(calls).toBe(2);
    expect(rows.rows[0]).toEqual({ state: 'failed', attempts: 2, last_error: 'chat down' });
  });

  it('runs the timers of different incidents side by side, and those of one incident in due order', async () => {
    const scheduler = new Scheduler(db, silentLogger, { parallel: 3 });
    const running = new Set<string>();
    const order: string[] = [];
    let mostAtOnce = 0;
    const gates: Array<() => void> = [];
    scheduler.on('beat', async (t) => {
      const { name } = t.payload as { name: string };
      running.add(name);
      mostAtOnce = Math.max(mostAtOnce, running.size);
      order.push(name);
      // Each waits until three run at once (or, for INC-1's second beat, which only starts after its
      // first ends, until it is let go), so the test sees what runs together, not how fast.
      await new Promise<void>((resolve) => {
        gates.push(resolve);
        if (gates.length >= 3) for (const go of gates.splice(0)) go();
      });
      running.delete(name);
    });
    await scheduler.schedule('beat', inMs(-3000), { name: 'INC-1 beat 1' }, 'INC-1');
    await scheduler.schedule('beat', inMs(-2000), { name: 'INC-1 beat 2' }, 'INC-1');
    await scheduler.schedule('beat', inMs(-2500), { name: 'INC-2' }, 'INC-2');
    await scheduler.schedule('beat', inMs(-2400), { name: 'INC-3' }, 'INC-3');
    const ran = scheduler.runDue();
    await eventually('INC-1 beat 2 to start', () => (order.length === 4 ? true : undefined));
    for (const go of gates.splice(0)) go();
    expect(await ran).toBe(4);
    expect(mostAtOnce).toBe(3);
    expect(order.indexOf('INC-1 beat 1')).toBeLessThan(order.indexOf('INC-1 beat 2'));
    expect(order.slice(0, 3).sort()).toEqual(['INC-1 beat 1', 'INC-2', 'INC-3']);
  });

  it('takes over a timer whose owner died mid-run once its lease ran out', async () => {
    const id = await new Scheduler(db, silentLogger).schedule('ping', inMs(-10));
    await db.query(
      "UPDATE timers SET state = 'running', owner = 'dead', locked_until = now() - interval '1 second' WHERE id = $1",
      [id],
    );
    const scheduler = new Scheduler(db, silentLogger);
    const fired: number[] = [];
    scheduler.on('ping', (t) => {
      fired.push(t.id);
      return Promise.resolve();
    });
    await scheduler.runDue();
    expect(fired).toEqual([id]);
  });

  it('keeps a slow timer to its owner: no other process takes it over while it runs', async () => {
    const second = openPgDb(testDb.url);
    const runs: string[] = [];
    let release = (): void => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const make = (store: Db, name: string) => {
      // A lease of 2 s renewed every ~0.7 s: generous enough for a loaded machine to keep renewing.
      const s = new Scheduler(store, silentLogger, { pollMs: 20, leaseMs: 2000, parallel: 1 });
      s.on('slow', async () => {
        runs.push(name);
        await released; // runs until the test lets it finish
      });
      return s;
    };
    const a = make(db, 'a');
    const b = make(second, 'b');
    await a.schedule('slow', inMs(-10));
    await a.schedule('slow', inMs(-5));
    a.start();
    await eventually('a to hold the timers', () => (runs.length === 1 ? true : undefined));
    b.start();
    // Both timers held far past their first lease (the condition under test), while b polls.
    await new Promise((r) => setTimeout(r, 5000));
    release();
    await eventually('both timers done', async () => {
      const states = await db.query<{ state: string }>("SELECT state FROM timers WHERE state <> 'done'");
      return states.rows.length === 0 ? true : undefined;
    });
    await a.stop();
    await b.stop();
    await second.close();
    expect(runs).toEqual(['a', 'a']);
  });

  it('fires each of many timers exactly once with two processes polling one database', async () => {
    const second = openPgDb(testDb.url);
    const fired: number[] = [];
    const make = (store: Db) => {
      const s = new Scheduler(store, silentLogger, { pollMs: 5, batch: 5 });
      s.on('tick', async (t: Timer) => {
        fired.push(t.id);
        await new Promise((r) => setTimeout(r, 2));
      });
      return s;
    };
    const a = make(db);
    const b = make(second);
    const ids: number[] = [];
    for (let i = 0; i < 60; i += 1) ids.push(await a.schedule('tick', inMs(-1 - i)));
    a.start();
    b.start();
    for (let i = 0; i < 200 && fired.length < ids.length; i += 1) await new Promise((r) => setTimeout(r, 25));
    await a.stop();
    await b.stop();
    await second.close();
    expect(fired.sort((x, y) => x - y)).toEqual(ids.sort((x, y) => x - y));
  });
});
