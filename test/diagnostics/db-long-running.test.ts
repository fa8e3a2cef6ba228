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
      'Terminating all at once takes a threshold of at least 5m (`db long-running --older-than 5m`)',
    );
  });

  test('nothing older than the default five minutes: says so', async () => {
    const answer = await bot.run('db long-running');
    expect(answer.text).toContain('✅ No query has been running for more than 5 minutes.');
    expect(answer.buttons).toEqual([]);
  });
});
