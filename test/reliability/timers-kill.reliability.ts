// kill -9 of one of three processes during a storm of 1,000 timers on one Postgres: when the storm is
// over every beat was posted, none twice. The killed process's claimed timers are taken over by the
// others once its lease runs out.
import { migrations } from '../../src/app.js';
import { migrate } from '../../src/store/migrations.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/incident-harness.js';
import {
  createReminderTables,
  planFirstBeats,
  startTimerProcess,
  type TimerProcess,
} from '../support/timer-process.js';
import type { Db } from '../../src/store/db.js';

const TIMERS = 1000;

describe('kill -9 during a storm of timers', () => {
  let database: TestDatabase;
  let db: Db;
  let processes: TimerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('reliability_kill');
    db = openPgDb(database.url);
    await migrate(db, migrations);
    await createReminderTables(db, TIMERS);
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop()));
    await db.close();
    await database.drop();
  });

  it('loses none and doubles none', async () => {
    // Due over 3 s from 2 s ahead; short leases so that the killed process's timers are taken over soon.
    await planFirstBeats(db, TIMERS, 2000, 3000, () => 60_000);
    processes = Array.from({ length: 3 }, () =>
      startTimerProcess(database.url, { leaseMs: 2000, pollMs: 50 }),
    );
    await Promise.all(processes.map((p) => p.started));
    const [victim] = processes;
    if (!victim) throw new Error('no process');
    const postedBy = async (pid: number | undefined) =>
      (
        await db.query<{ n: number }>('SELECT count(*)::int AS n FROM test_reminders WHERE pid = $1', [
          pid ?? 0,
        ])
      ).rows[0]?.n ?? 0;
    // Killed while it is busy with the storm: after it has posted some and while timers remain.
    await eventually('the victim to post', async () =>
      (await postedBy(victim.child.pid)) >= 20 ? true : undefined,
    );
    victim.child.kill('SIGKILL');
    await victim.exited;

    await eventually('every beat posted', async () => {
      const done = await db.query<{ n: number }>(
        'SELECT count(DISTINCT incident)::int AS n FROM test_reminders',
      );
      return done.rows[0]?.n === TIMERS ? true : undefined;
    });
    const doubled = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT 1 FROM test_reminders GROUP BY incident, beat HAVING count(*) > 1) d',
    );
    expect(doubled.rows[0]?.n).toBe(0);
    const total = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM test_reminders');
    expect(total.rows[0]?.n).toBe(TIMERS);
    // The survivors finished the storm; the victim's share is what it posted before it died.
    expect(await postedBy(processes[1]?.child.pid)).toBeGreaterThan(0);
    expect(await postedBy(processes[2]?.child.pid)).toBeGreaterThan(0);
    // Every timer ends done, the victim's claimed ones included (taken over after their lease).
    await eventually('every timer done', async () => {
      const left = await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM timers WHERE state IN ('pending', 'running')",
      );
      return left.rows[0]?.n === 0 ? true : undefined;
    });
    processes = processes.slice(1);
  });
});
