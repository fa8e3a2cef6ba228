// A bot process's scheduler reduced to its reminders, for the timers benchmark and the kill -9
// reliability test: the real Scheduler on a shared Postgres, and a reminder written as the bot writes
// one — in one transaction the incident's beat is claimed (so a timer run twice posts once), the post is
// recorded (as an outbox row would be) and the next beat planned. Prints "started"; on SIGTERM stops and
// prints its CPU time as JSON.
import { spawn, type ChildProcess } from 'node:child_process';
import { silentLogger } from '../../src/core/logger.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { Db } from '../../src/store/db.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { ROOT } from './run-bot.js';

export const REMINDER_KIND = 'test.reminder';

/** The tables the reminders read and write; `incidents` open incidents at beat 0. */
export async function createReminderTables(db: Db, incidents: number): Promise<void> {
  await db.exec(`
    CREATE TABLE test_incidents (id int PRIMARY KEY, title text NOT NULL, beat int NOT NULL DEFAULT 0);
    CREATE TABLE test_reminders (incident int NOT NULL, beat int NOT NULL, due_at timestamptz NOT NULL,
                                 posted_at timestamptz NOT NULL, pid int NOT NULL);`);
  await db.query(
    "INSERT INTO test_incidents (id, title) SELECT g, 'incident ' || g FROM generate_series(1, $1) g",
    [incidents],
  );
}

export interface TimerProcess {
  child: ChildProcess;
  /** Resolves once its scheduler polls. */
  started: Promise<void>;
  /** SIGTERM, then its CPU time in ms (NaN when it could not say). */
  stop(): Promise<number>;
  exited: Promise<void>;
}

/** Starts this file as its own process on `url`; `until` (ms since the epoch) ends the chains of beats. */
export function startTimerProcess(
  url: string,
  options: { until?: number; leaseMs?: number; pollMs?: number } = {},
): TimerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/timer-process.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      TIMERS_DATABASE_URL: url,
      TIMERS_UNTIL: String(options.until ?? 0),
      ...(options.leaseMs === undefined ? {} : { TIMERS_LEASE_MS: String(options.leaseMs) }),
      ...(options.pollMs === undefined ? {} : { TIMERS_POLL_MS: String(options.pollMs) }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  const started = new Promise<void>((resolve) =>
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('started')) resolve();
    }),
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return {
    child,
    started,
    exited,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      return line ? (JSON.parse(line) as { cpuMs: number }).cpuMs : NaN;
    },
  };
}

/** Plans each incident's first beat: due `startInMs` from now, spread over `spreadMs`, every `intervalMs(i)`. */
export async function planFirstBeats(
  db: Db,
  incidents: number,
  startInMs: number,
  spreadMs: number,
  intervalMs: (incident: number) => number,
): Promise<void> {
  const rows = Array.from({ length: incidents }, (_, i) => i + 1);
  await db.query(
    `INSERT INTO timers (kind, due_at, payload)
     SELECT $1, now() + make_interval(secs => ($2 + (g.i - 1)::double precision * $3 / $4) / 1000),
            jsonb_build_object('incident', g.i, 'beat', 0, 'intervalMs', g.every)
       FROM unnest($5::int[], $6::int[]) AS g(i, every)`,
    [REMINDER_KIND, startInMs, spreadMs, incidents, rows, rows.map(intervalMs)],
  );
}

interface Payload {
  incident: number;
  beat: number;
  intervalMs: number;
}

function main(): void {
  const until = Number(process.env.TIMERS_UNTIL ?? '0');
  const db = openPgDb(process.env.TIMERS_DATABASE_URL ?? '', { max: 5 });
  const scheduler = new Scheduler(db, silentLogger, {
    leaseMs: Number(process.env.TIMERS_LEASE_MS ?? '60000'),
    ...(process.env.TIMERS_POLL_MS ? { pollMs: Number(process.env.TIMERS_POLL_MS) } : {}),
  });
  scheduler.on(REMINDER_KIND, async (timer) => {
    const p = timer.payload as Payload;
    await db.transaction(async (tx) => {
      const claimed = await tx.query(
        'UPDATE test_incidents SET beat = beat + 1 WHERE id = $1 AND beat = $2 RETURNING title',
        [p.incident, p.beat],
      );
      if (claimed.rowCount === 0) return; // this beat was posted already (a timer run again)
      await tx.query(
        'INSERT INTO test_reminders (incident, beat, due_at, posted_at, pid) VALUES ($1, $2, $3, clock_timestamp(), $4)',
        [p.incident, p.beat, timer.dueAt, process.pid],
      );
      const next = timer.dueAt.getTime() + p.intervalMs;
      if (next < until)
        await scheduler.schedule(REMINDER_KIND, new Date(next), { ...p, beat: p.beat + 1 }, undefined, tx);
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
}

if (process.argv[1]?.endsWith('timer-process.ts')) main();
