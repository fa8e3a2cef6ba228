// `db long-running`: a report query has been sleeping on the database for a while; the on-call
// engineer sees it, oldest first, and gets a button to terminate it (after approval).
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type pg from 'pg';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import {
  createOatieDatabase,
  eventually,
  startQuery,
  type OatieDatabase,
  type RunningQuery,
} from '../support/oatie-database.js';

let db: OatieDatabase;
let bot: DiagnosticsHarness;
let sleeper: RunningQuery;
let idleInTransaction: pg.Client;

beforeAll(async () => {
  db = await createOatieDatabase('longrunning');
  bot = await startDiagnostics({ OATIE_DATABASE_URL: db.url });
  sleeper = await startQuery(db, 'report-service', 'SELECT pg_sleep(60) /* monthly sales rollup */');
  idleInTransaction = await db.client('auth-service');
  await idleInTransaction.query('BEGIN');
  await idleInTransaction.query('SELECT count(*) FROM users');
  await new Promise((resolve) => setTimeout(resolve, 1500));
});

afterAll(async () => {
  await db.sql('SELECT pg_cancel_backend($1)', [sleeper.pid]);
  await sleeper.done;
  await Promise.all([sleeper.client.end(), idleInTransaction.end()]);
  await closeDiagnostics(bot, db);
});

describe('db long-running', () => {
  test('lists the queries older than the threshold, oldest first, with the query shortened', async () => {
    const answer = await bot.run('db long-running --older-than 1s');
    expect(answer.text).toContain('Long-running queries (over 1 second)');
    expect(answer.text).toMatch(
      /⚠️ 2 queries have been running for more than 1 second; the oldest for \d+ seconds? \(pid \d+, report-service, active\)/,
    );
    expect(answer.text).toContain(String(sleeper.pid));
    expect(answer.text).toContain('SELECT pg_sleep(60) /* monthly sales rollup */');
    expect(answer.text).toMatch(/auth-service.*SELECT count\(\*\) FROM users/);
    expect(answer.text).toContain('idle in transaction');
    expect(answer.text).toContain('"idle in transaction" means the application opened a transaction');
    // The bot's own connection is never listed.
    const own = await bot.targets.postgres!.ownPids();
    expect(own.length).toBeGreaterThan(0);
    for (const pid of own) expect(answer.text).not.toMatch(new RegExp(`^${pid}\\s`, 'm'));
  });

  test('offers to terminate the oldest one by one (a threshold this short is too short to end them all)', async () => {
    const answer = await bot.run('db long-running --older-than 1s');
    expect(answer.buttons.map((b) => b.label)).toEqual([
      `Terminate pid ${sleeper.pid}`,
      expect.stringMatching(/^Terminate pid \d+$/),
    ]);
    expect(answer.buttons[0]!.style).toBe('danger');
    expect(await bot.payloadOf(answer.buttons[0]!)).toEqual({
      kind: 'fix.propose',
      payload: {
        command: 'db terminate',
        args: { pid: String(sleeper.pid) },
        why: `db long-running: pid ${sleeper.pid} (report-service)`,
      },
    });
    expect(answer.text).toContain(
      'None has been running for more than 10 minutes, the threshold for ending them all at once (`db terminate-long --older-than 10m`); meanwhile, one at a time.',
    );
  });

  test('a query only waiting for a lock is listed but never offered: its blocker is', async () => {
    const waiter = await db.client('migration');
    const blocked = waiter.query('BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE').catch((e: unknown) => e);
    try {
      const waiterPid = await eventually('the LOCK to wait', async () => {
        const rows = await db.sql<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE application_name = 'migration' AND wait_event_type = 'Lock'",
        );
        return rows[0]?.pid;
      });
      const answer = await eventually('the waiter to pass the threshold', async () => {
        const a = await bot.run('db long-running --older-than 1s');
        return a.text.includes(`pid ${waiterPid}`) ? a : undefined;
      });
      expect(answer.text).toMatch(
        new RegExp(`${waiterPid}\\s+\\S+\\s+active\\s+postgres\\s+migration\\s+Lock:relation`),
      );
      expect(answer.buttons.map((b) => b.label)).not.toContain(`Terminate pid ${waiterPid}`);
      expect(answer.buttons.map((b) => b.label)).toContain(`Terminate pid ${sleeper.pid}`);
      expect(answer.text).toContain(
        `1 of them only waits for a lock (pid ${waiterPid}): ending it frees nothing. \`db blocking\` shows the session holding the lock and offers to end that one.`,
      );
    } finally {
      await db.sql('SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [
        'migration',
      ]);
      await blocked;
      await waiter.end();
    }
  });

  test('a connection left idle runs no query, yet is shown below, with a fix', async () => {
    const leaked = await db.client('billing-export');
    try {
      await leaked.query('SELECT 1');
      const [row] = (await leaked.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
      const answer = await eventually('the session to be idle', async () => {
        const a = await bot.run('db long-running --older-than 1s');
        return a.text.includes(`Terminate pid ${row!.pid}`) ? a : undefined;
      });
      expect(answer.text).toContain('Idle sessions (over 1 second)');
      expect(answer.text).toMatch(new RegExp(`${row!.pid}\\s+\\d+s\\s+idle\\s+postgres\\s+billing-export`));
    } finally {
      await leaked.end();
    }
  });

  test('nothing older than the default five minutes: says so', async () => {
    const answer = await bot.run('db long-running');
    expect(answer.text).toContain('✅ No query has been running for more than 5 minutes.');
    expect(answer.buttons).toEqual([]);
  });
});
