// Durable timers: how fast two processes drain due timers on one Postgres, and that each fires once.
import { silentLogger } from '../src/core/logger.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { openPgDb } from '../src/store/pg-db.js';
import { createTestDatabase } from '../test/support/databases.js';
import { openTestDb } from '../test/support/test-app.js';
import { rate, type Figure } from './measure.js';

export async function run(): Promise<Figure[]> {
  const testDb = await createTestDatabase('bench');
  const a = await openTestDb(testDb.url);
  const b = openPgDb(testDb.url);
  try {
    const n = 2000;
    await a.query(
      "INSERT INTO timers (kind, due_at) SELECT 'tick', now() - make_interval(secs => g) FROM generate_series(1, $1) g",
      [n],
    );
    const fired = new Map<number, number>();
    const make = (db: typeof a) => {
      const s = new Scheduler(db, silentLogger, { pollMs: 5, batch: 50 });
      s.on('tick', (t) => {
        fired.set(t.id, (fired.get(t.id) ?? 0) + 1);
        return Promise.resolve();
      });
      return s;
    };
    const s1 = make(a);
    const s2 = make(b);
    const t0 = performance.now();
    s1.start();
    s2.start();
    while (fired.size < n && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 10));
    const ms = performance.now() - t0;
    await s1.stop();
    await s2.stop();
    const doubles = [...fired.values()].filter((c) => c > 1).length;
    return [
      { name: `timers drained by 2 schedulers on one Postgres (${n} due)`, value: rate(fired.size, ms) },
      { name: 'timers fired twice', value: String(doubles) },
    ];
  } finally {
    await a.close();
    await b.close();
    await testDb.drop();
  }
}
