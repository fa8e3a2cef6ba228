// One bot process's scheduler for the timers benchmark: the real Scheduler (production poll interval and
// batch) on the shared Postgres, with a reminder that does what a reminder does to the store — read the
// incident, record the post, plan the next one an interval later. Stops on SIGTERM and prints its CPU time.
import { silentLogger } from '../src/core/logger.js';
import { Scheduler } from '../src/scheduler/scheduler.js';
import { openPgDb } from '../src/store/pg-db.js';

const url = process.env.BENCH_DATABASE_URL ?? '';
const until = Number(process.env.BENCH_UNTIL ?? '0');
const db = openPgDb(url, { max: 5 });
const scheduler = new Scheduler(db, silentLogger);

interface Payload {
  incident: number;
  seq: number;
  intervalMs: number;
}

scheduler.on('bench.reminder', async (timer) => {
  const p = timer.payload as Payload;
  await db.query('SELECT id, title FROM bench_incidents WHERE id = $1', [p.incident]);
  await db.query(
    'INSERT INTO bench_reminders (incident, seq, due_at, fired_at) VALUES ($1, $2, $3, clock_timestamp())',
    [p.incident, p.seq, timer.dueAt],
  );
  const next = timer.dueAt.getTime() + p.intervalMs;
  if (next < until)
    await scheduler.reschedule('bench.reminder', `bench:${p.incident}`, new Date(next), {
      ...p,
      seq: p.seq + 1,
    });
});

scheduler.start();
process.stdout.write('started\n');
process.on('SIGTERM', () => {
  void scheduler
    .stop()
    .then(() => db.close())
    .then(() => {
      const cpu = process.cpuUsage();
      process.stdout.write(`${JSON.stringify({ cpuMs: (cpu.user + cpu.system) / 1000 })}\n`);
      process.exit(0);
    });
});
