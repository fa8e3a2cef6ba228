// Timers at scale: 10,000 open incidents, each reminding at its own interval (5–20 s, staggered), on one
// Postgres with 3 processes running the real scheduler. Reports lateness against the due time, that each
// reminder was posted exactly once, the processes' CPU and the store's transactions a second.
import { spawn } from 'node:child_process';
import { migrate } from '../src/store/migrations.js';
import { openPgDb } from '../src/store/pg-db.js';
import { createTestDatabase } from '../test/support/databases.js';
import { ROOT } from '../test/support/run-bot.js';
import type { Result } from './results.js';
import { percentile } from './measure.js';

const INCIDENTS = 10_000;
const PROCESSES = 3;
const RUN_MS = 30_000;

interface Worker {
  started: Promise<void>;
  stop(): Promise<number>;
}

function startWorker(url: string, until: number): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/timer-worker.ts'], {
    cwd: ROOT,
    env: { ...process.env, BENCH_DATABASE_URL: url, BENCH_UNTIL: String(until) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const started = new Promise<void>((resolve) =>
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('started')) resolve();
    }),
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    started,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      return line ? (JSON.parse(line) as { cpuMs: number }).cpuMs : NaN;
    },
  };
}

export async function run(): Promise<Result[]> {
  const testDb = await createTestDatabase('benchtimers');
  const db = openPgDb(testDb.url);
  try {
    await migrate(db);
    await db.exec(`
      CREATE TABLE bench_incidents (id int PRIMARY KEY, title text NOT NULL);
      CREATE TABLE bench_reminders (incident int NOT NULL, seq int NOT NULL, due_at timestamptz NOT NULL,
                                    fired_at timestamptz NOT NULL);`);
    await db.query("INSERT INTO bench_incidents SELECT g, 'incident ' || g FROM generate_series(1, $1) g", [
      INCIDENTS,
    ]);
    const until = Date.now() + 5000 + RUN_MS;
    // Each incident reminds every 5–20 s; the first reminders are spread over the first interval.
    await db.query(
      `INSERT INTO timers (kind, key, due_at, payload)
       SELECT 'bench.reminder', 'bench:' || g, now() + interval '5 seconds' + (g % 997) * interval '1 ms' * (5 + g % 16),
              jsonb_build_object('incident', g, 'seq', 0, 'intervalMs', (5 + g % 16) * 1000)
         FROM generate_series(1, $1) g`,
      [INCIDENTS],
    );
    const stats = () =>
      db
        .query<{ n: string }>(
          'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
          [testDb.name],
        )
        .then((r) => Number(r.rows[0]?.n ?? 0));
    const workers = Array.from({ length: PROCESSES }, () => startWorker(testDb.url, until));
    await Promise.all(workers.map((w) => w.started));
    const xact0 = await stats();
    const t0 = performance.now();
    while (Date.now() < until + 2000) await new Promise((r) => setTimeout(r, 500));
    const cpuMs = await Promise.all(workers.map((w) => w.stop()));
    const seconds = (performance.now() - t0) / 1000;
    const xacts = (await stats()) - xact0;
    const lateness = await db.query<{ ms: string }>(
      'SELECT extract(epoch FROM fired_at - due_at) * 1000 AS ms FROM bench_reminders ORDER BY 1',
    );
    const late = lateness.rows.map((r) => Number(r.ms));
    const doubled = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM (SELECT 1 FROM bench_reminders GROUP BY incident, seq HAVING count(*) > 1) d',
    );
    const missed = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM timers WHERE kind = 'bench.reminder' AND state IN ('pending', 'running') AND due_at < to_timestamp($1 / 1000.0)",
      [until - 1000],
    );
    const cpuPct = (cpuMs.reduce((a, b) => a + b, 0) / 1000 / seconds) * 100;
    return [
      {
        id: 'timers.lateness',
        figure: `reminders of ${INCIDENTS.toLocaleString('en-US')} incidents, 3 processes: lateness p50 / p99`,
        value: `${percentile(late, 50).toFixed(0)} / ${percentile(late, 99).toFixed(0)} ms (${late.length.toLocaleString('en-US')} posted)`,
        data: { p50: percentile(late, 50), p99: percentile(late, 99), posted: late.length },
      },
      {
        id: 'timers.once',
        figure: 'reminders posted twice / due and never posted',
        value: `${doubled.rows[0]?.n ?? '?'} / ${missed.rows[0]?.n ?? '?'}`,
        goal: '0 / 0',
        holds: doubled.rows[0]?.n === '0' && missed.rows[0]?.n === '0',
        data: { doubled: Number(doubled.rows[0]?.n), missed: Number(missed.rows[0]?.n) },
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
