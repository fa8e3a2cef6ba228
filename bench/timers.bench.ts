// Timers at scale: 10,000 open incidents, each reminding at its own interval (5–20 s, staggered), on one
// Postgres with 3 processes running the real scheduler (production poll interval and batch). Reports
// lateness against the due time, that each beat was posted exactly once, the processes' CPU and the
// store's transactions a second.
import { migrations } from '../src/app.js';
import { migrate } from '../src/store/migrations.js';
import { openPgDb } from '../src/store/pg-db.js';
import { createTestDatabase } from '../test/support/databases.js';
import {
  createReminderTables,
  planFirstBeats,
  REMINDER_KIND,
  startTimerProcess,
} from '../test/support/timer-process.js';
import { percentile } from './measure.js';
import type { Result } from './results.js';

const INCIDENTS = 10_000;
const PROCESSES = 3;
const RUN_MS = 30_000;

export async function run(): Promise<Result[]> {
  const testDb = await createTestDatabase('benchtimers');
  const db = openPgDb(testDb.url);
  try {
    await migrate(db, migrations);
    await createReminderTables(db, INCIDENTS);
    const until = Date.now() + 5000 + RUN_MS;
    await planFirstBeats(db, INCIDENTS, 5000, 20_000, (i) => (5 + (i % 16)) * 1000);
    const transactions = () =>
      db
        .query<{ n: string }>(
          'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
          [testDb.name],
        )
        .then((r) => Number(r.rows[0]?.n ?? 0));
    const workers = Array.from({ length: PROCESSES }, () => startTimerProcess(testDb.url, { until }));
    await Promise.all(workers.map((w) => w.started));
    const xact0 = await transactions();
    const t0 = performance.now();
    while (Date.now() < until + 2000) await new Promise((r) => setTimeout(r, 500));
    const cpuMs = await Promise.all(workers.map((w) => w.stop()));
    const seconds = (performance.now() - t0) / 1000;
    const xacts = (await transactions()) - xact0;
    const lateness = await db.query<{ ms: string }>(
      'SELECT extract(epoch FROM posted_at - due_at) * 1000 AS ms FROM test_reminders ORDER BY 1',
    );
    const late = lateness.rows.map((r) => Number(r.ms));
    const doubled = await db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT 1 FROM test_reminders GROUP BY incident, beat HAVING count(*) > 1) d',
    );
    const missed = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM timers WHERE kind = $1 AND state IN ('pending', 'running') AND due_at < to_timestamp($2 / 1000.0)",
      [REMINDER_KIND, until - 1000],
    );
    const d = doubled.rows[0]?.n ?? NaN;
    const m = missed.rows[0]?.n ?? NaN;
    const cpuPct = (cpuMs.reduce((a, b) => a + b, 0) / 1000 / seconds) * 100;
    return [
      {
        id: 'timers.lateness',
        figure: `timers: ${INCIDENTS.toLocaleString('en-US')} incidents reminding every 5–20 s, 3 processes, lateness p50 / p99`,
        value: `${percentile(late, 50).toFixed(0)} / ${percentile(late, 99).toFixed(0)} ms (${late.length.toLocaleString('en-US')} reminders in ${seconds.toFixed(0)} s)`,
        data: { p50: percentile(late, 50), p99: percentile(late, 99), posted: late.length },
      },
      {
        id: 'timers.once',
        figure: 'timers: beats posted twice / due and never posted',
        value: `${d} / ${m}`,
        goal: '0 / 0',
        holds: d === 0 && m === 0,
        data: { doubled: d, missed: m },
      },
      {
        id: 'timers.cost',
        figure: 'timers: CPU of the 3 processes / store transactions',
        value: `${cpuPct.toFixed(0)}% of a core / ${Math.round(xacts / seconds).toLocaleString('en-US')}/s`,
        data: { cpuPercentOfCore: cpuPct, storeTransactionsPerSecond: xacts / seconds },
      },
    ];
  } finally {
    await db.close();
    await testDb.drop();
  }
}
