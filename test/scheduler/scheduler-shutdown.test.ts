// Stopping a scheduler (graceful shutdown) gives back the leases of the timers it holds — the one
// still running after the wait and those claimed but not started — so another process takes them at
// once instead of a lease later.
import { silentLogger } from '../../src/core/logger.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { Db } from '../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { openTestDb } from '../support/test-app.js';

describe('a scheduler stopped while it holds timers', () => {
  let testDb: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    testDb = await createTestDatabase('timerstop');
    db = await openTestDb(testDb.url);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  it('releases them, and another scheduler runs every one of them at once', async () => {
    // A lease of a minute: without the release, nobody could take these timers for a minute.
    const stopping = new Scheduler(db, silentLogger, { leaseMs: 60_000, pollMs: 20, parallel: 1 });
    let unblock: () => void = () => undefined;
    let started: () => void = () => undefined;
    const firstStarted = new Promise<void>((resolve) => (started = resolve));
    const ranByStopping: number[] = [];
    stopping.on('slow', (t) => {
      ranByStopping.push(t.id);
      started();
      return new Promise<void>((resolve) => (unblock = resolve));
    });
    const past = new Date(Date.now() - 1000);
    for (let i = 0; i < 3; i += 1) await stopping.schedule('slow', past, { n: i });
    stopping.start();
    await firstStarted;

    await stopping.stop(100); // the first timer is still running; two were claimed and never started
    const rows = await db.query<{ state: string; owner: string | null; attempts: number }>(
      'SELECT state, owner, attempts FROM timers ORDER BY id',
    );
    expect(rows.rows).toEqual([
      { state: 'pending', owner: null, attempts: 0 },
      { state: 'pending', owner: null, attempts: 0 },
      { state: 'pending', owner: null, attempts: 0 },
    ]);

    const other = new Scheduler(db, silentLogger, { leaseMs: 60_000 });
    const ranByOther: number[] = [];
    other.on('slow', (t) => {
      ranByOther.push(t.id);
      return Promise.resolve();
    });
    expect(await other.runDue()).toBe(3);
    expect(ranByStopping).toHaveLength(1);
    expect(ranByOther).toHaveLength(3);

    // The stopped process's handler ends late: it no longer owns the timer and changes nothing.
    unblock();
    const done = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM timers WHERE state = 'done'");
    expect(done.rows[0]?.n).toBe(3);
  });
});
