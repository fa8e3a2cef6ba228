// The Postgres target: a small pool that keeps one connection warm (and re-opens it), per-connection
// statement and lock timeouts, maintenance on its own connection, and errors people can read.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../src/core/logger.js';
import { openPostgresTarget, type PostgresTarget } from '../../src/targets/postgres.js';
import { failure } from '../support/call-failure.js';
import { closedPort } from '../support/http-fake.js';
import { createOatieDatabase, eventually, type OatieDatabase } from '../support/oatie-database.js';
import { blackhole, switchableProxy } from '../support/tcp.js';

let db: OatieDatabase;
let target: PostgresTarget;
const opened: PostgresTarget[] = [];

function open(url: string, timeoutMs = 1000): PostgresTarget {
  const t = openPostgresTarget(url, { timeoutMs, log: silentLogger });
  opened.push(t);
  return t;
}

const warmPid = async (t: PostgresTarget): Promise<number> =>
  eventually('a warm connection', async () => {
    const pids = await t.ownPids();
    return pids.length === 1 ? pids[0] : undefined;
  });

beforeAll(async () => {
  db = await createOatieDatabase('pgtarget');
  target = open(db.url);
});

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  await db.drop();
});

describe('Postgres target', () => {
  test('readOnly: one statement only, in a read-only transaction rolled back, rejections as values', async () => {
    const two = await target.readOnly('SELECT 1; SELECT 2');
    expect(two).toEqual({
      ok: false,
      sqlstate: '42601',
      message: 'cannot insert multiple commands into a prepared statement',
    });
    const write = await target.readOnly(`SELECT nextval('seq_that_is_not_there')`);
    expect(write).toMatchObject({ ok: false, sqlstate: '42P01' });
    await db.sql('CREATE TABLE IF NOT EXISTS readonly_probe (n int)');
    expect(await target.readOnly('INSERT INTO readonly_probe VALUES (1)')).toEqual({
      ok: false,
      sqlstate: '25006',
      message: 'cannot execute INSERT in a read-only transaction',
    });
    expect(await target.readOnly<{ n: number }>('SELECT 1 AS n')).toEqual({ ok: true, rows: [{ n: 1 }] });
    // The connection is back in the pool, outside any transaction.
    const [state] = await target.query<{ open: boolean }>(`SELECT now() <> statement_timestamp() AS open`);
    expect(state!.open).toBe(false);
  });

  test('opens one warm connection at once, named oatie-ops, with its timeouts set', async () => {
    const pid = await warmPid(target);
    const [activity] = await db.sql<{ application_name: string }>(
      'SELECT application_name FROM pg_stat_activity WHERE pid = $1',
      [pid],
    );
    expect(activity?.application_name).toBe('oatie-ops');
    const [settings] = await target.query<{ statement: string; lock: string; pid: number }>(
      `SELECT current_setting('statement_timeout') AS statement, current_setting('lock_timeout') AS lock, pg_backend_pid() AS pid`,
    );
    // lock_timeout is a little shorter, so a lock wait is reported as one rather than as a slow query.
    expect(settings).toEqual({ statement: '1s', lock: '800ms', pid });
    expect(target.description).toBe(`127.0.0.1:5432/${db.name}`);
  });

  test('a query longer than statement_timeout is cancelled, and the warm connection survives', async () => {
    const pid = await warmPid(target);
    const error = await failure(() => target.query('SELECT pg_sleep(3)'));
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toBe(
      `The query on the Oatie database at ${target.description} was cancelled after 1 s (statement_timeout).`,
    );
    expect(await target.ownPids()).toEqual([pid]);
  });

  test('a query waiting for a lock gives up after lock_timeout', async () => {
    const holder = await db.client('migration');
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE reports IN ACCESS EXCLUSIVE MODE');
      const error = await failure(() => target.query('SELECT count(*) FROM reports'));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toContain('waited more than 0.8 s for a lock (lock_timeout) and gave up');
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
  });

  test('the warm connection is opened again after the server drops it', async () => {
    const before = await warmPid(target);
    await db.sql('SELECT pg_terminate_backend($1)', [before]);
    const after = await eventually('a new warm connection', async () => {
      const pids = await target.ownPids();
      return pids.length === 1 && pids[0] !== before ? pids[0] : undefined;
    });
    const [row] = await target.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    expect(row?.pid).toBe(after);
  });

  test('maintenance runs outside a transaction, on its own connection, under its own timeout', async () => {
    const warm = await warmPid(target);
    await expect(target.maintenance('VACUUM (ANALYZE) reports', { timeoutMs: 10_000 })).resolves.toEqual({
      rowCount: 0,
    });
    const [created] = await db.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_user_tables WHERE relname = 'reports' AND last_vacuum IS NOT NULL`,
    );
    expect(created?.n).toBe(1);
    const slow = target.maintenance('SELECT pg_sleep(5)', { timeoutMs: 500 });
    const maintenancePid = await eventually('the maintenance connection', async () => {
      const pids = (await target.ownPids()).filter((p) => p !== warm);
      return pids[0];
    });
    expect(maintenancePid).not.toBe(warm);
    const error = await failure(() => slow);
    expect(error.code).toBe('TIMEOUT');
    expect(error.message).toContain('cancelled after 0.5 s (statement_timeout)');
    expect(await target.ownPids()).toEqual([warm]);
  });

  test('nothing listening: refused at once, and the password is never shown', async () => {
    const port = await closedPort();
    const down = open(`postgres://ops:hunter2-secret@127.0.0.1:${port}/oatie`);
    const error = await failure(() => down.query('SELECT 1'));
    expect(error).toMatchObject({
      code: 'TARGET_DOWN',
      message: `The Oatie database at 127.0.0.1:${port}/oatie refused the connection (nothing listens on that port).`,
    });
    expect(error.message).not.toContain('hunter2');
    await expect(down.maintenance('VACUUM', { timeoutMs: 1000 })).rejects.toThrow('refused the connection');
  });

  test('a server that accepts and never answers: timed out within the timeout', async () => {
    const silent = await blackhole();
    try {
      const hung = open(`postgres://postgres@127.0.0.1:${silent.port}/oatie`);
      const error = await failure(() => hung.query('SELECT 1'));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toBe(
        `The Oatie database at 127.0.0.1:${silent.port}/oatie did not answer within 1 s.`,
      );
      await hung.close();
    } finally {
      await silent.close();
    }
  });

  test('no such database, and a role that may not log in: said plainly', async () => {
    const missing = open(db.url.replace(db.name, `${db.name}_nope`));
    expect((await failure(() => missing.query('SELECT 1'))).message).toContain('has no such database');

    const role = `oatie_nologin_${randomBytes(3).toString('hex')}`;
    await db.sql(`CREATE ROLE ${role} NOLOGIN`);
    try {
      const url = new URL(db.url);
      url.username = role;
      const refused = open(url.toString());
      const error = await failure(() => refused.query('SELECT 1'));
      expect(error.code).toBe('TARGET_DOWN');
      expect(error.message).toContain('rejected the login: auth failed');
      await refused.close();
    } finally {
      await db.sql(`DROP ROLE ${role}`);
    }
  });

  test('a SQL error leaves the warm connection in place', async () => {
    const pid = await warmPid(target);
    const error = await failure(() => target.query('SELECT * FROM no_such_table'));
    expect(error.message).toContain('rejected a query (SQLSTATE 42P01)');
    expect(await target.ownPids()).toEqual([pid]);
  });

  test('a connection cut in the middle of a query: said plainly, and the next query works', async () => {
    // The server restarted, or a proxy reset the connection, while a diagnostic was running: pg emits
    // an error on the checked-out client, which crashed the whole bot before it was listened to.
    const proxy = await switchableProxy(Number(new URL(db.url).port || 5432));
    try {
      const url = new URL(db.url);
      url.port = String(proxy.port);
      const cut = open(url.toString(), 5000);
      await warmPid(cut);
      const running = failure(() => cut.query('SELECT pg_sleep(4)'));
      await eventually('the query to run', async () => {
        const rows = await db.sql(
          "SELECT 1 FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(4)' AND state = 'active'",
        );
        return rows.length > 0 ? true : undefined;
      });
      await proxy.set('refuse');
      const error = await running;
      expect(error).toMatchObject({
        code: 'TARGET_DOWN',
        message: `The Oatie database at ${cut.description} closed the connection unexpectedly.`,
      });
      await proxy.set('forward');
      expect(await cut.query<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await proxy.close();
    }
  });
});
