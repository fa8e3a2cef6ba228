// The bot's store behaves the same on a Postgres server and on embedded PGlite.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActionStore } from '../../src/actions/action-store.js';
import { AuditLog } from '../../src/audit/audit-log.js';
import type { Db } from '../../src/store/db.js';
import { migrations } from '../../src/app.js';
import { migrate } from '../../src/store/migrations.js';
import { openStore } from '../../src/store/open-store.js';
import { openPgDb } from '../../src/store/pg-db.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { eventually } from '../support/incident-harness.js';
import { switchableProxy } from '../support/tcp.js';

const kinds: Array<['postgres' | 'pglite']> = [['postgres'], ['pglite']];

describe.each(kinds)('the store on %s', (kind) => {
  let testDb: TestDatabase | undefined;
  let db: Db;

  beforeAll(async () => {
    if (kind === 'postgres') {
      testDb = await createTestDatabase('store');
      db = openPgDb(testDb.url);
    } else {
      db = await openPgliteDb(undefined);
    }
  });

  afterAll(async () => {
    await db.close();
    await testDb?.drop();
  });

  it('applies every migration once, and again is a no-op', async () => {
    const first = await migrate(db, migrations);
    expect(first).toEqual(migrations.map((m) => m.name));
    expect(await migrate(db, migrations)).toEqual([]);
    const tables = await db.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
    );
    expect(tables.rows.map((r) => r.table_name)).toEqual(
      expect.arrayContaining(['action_buttons', 'audit_log', 'schema_migrations', 'timers']),
    );
  });

  it('stores button actions under unguessable ids and finds them again', async () => {
    const actions = new ActionStore(db);
    const id = await actions.create('approval.approve', { approvalId: 7 });
    expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(await actions.get(id)).toMatchObject({ kind: 'approval.approve', payload: { approvalId: 7 } });
    expect(await actions.get('nope')).toBeUndefined();
    expect(await actions.get("x' OR '1'='1")).toBeUndefined();
  });

  it('keeps the audit log in order, newest first', async () => {
    const audit = new AuditLog(db);
    await audit.record({
      actor: 'alice',
      platform: 'console',
      event: 'command',
      command: 'db connections',
      outcome: 'ok',
    });
    await audit.record({
      actor: 'bob',
      platform: 'console',
      event: 'fix.approved',
      command: 'db terminate',
      target: 'pid 42',
      statement: 'SELECT pg_terminate_backend($1)',
      outcome: 'ok',
      detail: { pid: 42 },
    });
    const rows = await audit.since(new Date(Date.now() - 60_000));
    expect(rows.map((r) => r.actor)).toEqual(['bob', 'alice']);
    expect(rows[0]).toMatchObject({
      event: 'fix.approved',
      statement: 'SELECT pg_terminate_backend($1)',
      detail: { pid: 42 },
    });
  });

  it('writes the entries recorded within the audit window in one INSERT, each resolved once written', async () => {
    let inserts = 0;
    const counting: Db = {
      ...db,
      query: (sql, params) => {
        if (sql.trimStart().startsWith('INSERT INTO audit_log')) inserts += 1;
        return db.query(sql, params);
      },
    };
    // A window far longer than the few turns of the event loop between the records below.
    const audit = new AuditLog(counting, () => new Date(), 500);
    const recorded: Array<Promise<void>> = [];
    for (const actor of ['w1', 'w2', 'w3', 'w4']) {
      recorded.push(audit.record({ actor, platform: 'console', event: 'command', outcome: 'ok' }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(recorded);
    expect(inserts).toBe(1);
    const rows = await audit.since(new Date(0), 1000);
    expect(rows.map((r) => r.actor).filter((a) => a.startsWith('w'))).toEqual(['w4', 'w3', 'w2', 'w1']);
  });

  it('does not keep a full batch waiting for the rest of the window (a busy bot)', async () => {
    // A window no test would wait out: eight entries are written at once all the same.
    const audit = new AuditLog(db, () => new Date(), 600_000);
    const actors = ['full1', 'full2', 'full3', 'full4', 'full5', 'full6', 'full7', 'full8'];
    await Promise.all(
      actors.map((actor) => audit.record({ actor, platform: 'console', event: 'command', outcome: 'ok' })),
    );
    const rows = await audit.since(new Date(0), 1000);
    expect(rows.filter((r) => r.actor.startsWith('full')).length).toBe(8);
  });

  it('rolls a failed transaction back completely', async () => {
    const audit = new AuditLog(db);
    const before = (await audit.since(new Date(0))).length;
    await expect(
      db.transaction(async (tx) => {
        await new AuditLog(tx).record({ actor: 'x', platform: 'console', event: 'e', outcome: 'ok' });
        throw new Error('half-way');
      }),
    ).rejects.toThrow('half-way');
    expect((await audit.since(new Date(0))).length).toBe(before);
  });
});

describe('migrations from two processes at once', () => {
  it('apply each migration exactly once', async () => {
    const testDb = await createTestDatabase('migrate');
    const a = openPgDb(testDb.url);
    const b = openPgDb(testDb.url);
    try {
      const [ra, rb] = await Promise.all([migrate(a, migrations), migrate(b, migrations)]);
      expect([...ra, ...rb].sort()).toEqual(migrations.map((m) => m.name).sort());
      const applied = await a.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
      expect(applied.rows[0]?.n).toBe(migrations.length);
    } finally {
      await a.close();
      await b.close();
      await testDb.drop();
    }
  });
});

describe('waits on the store', () => {
  it('are bounded: a statement that runs too long is cancelled by the server', async () => {
    const testDb = await createTestDatabase('slowstore');
    const db = openPgDb(testDb.url, { statementTimeoutMs: 200 });
    try {
      await expect(db.query('SELECT pg_sleep(5)')).rejects.toThrow(/statement timeout/);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
      await testDb.drop();
    }
  });

  it('survive a connection cut in the middle of a transaction: it fails, and the store works again', async () => {
    // pg emits an error on the checked-out client; without a listener it ended the process.
    const testDb = await createTestDatabase('cutstore');
    const proxy = await switchableProxy(Number(new URL(testDb.url).port || 5432));
    const url = new URL(testDb.url);
    url.port = String(proxy.port);
    const db = openPgDb(url.toString());
    try {
      const started = db.transaction((tx) => tx.query('SELECT pg_sleep(4)'));
      await eventually('the transaction to run', async () => {
        const rows = await db.query('SELECT 1 FROM pg_stat_activity WHERE query = $1', [
          'SELECT pg_sleep(4)',
        ]);
        return rows.rows.length > 0;
      });
      await proxy.set('refuse');
      await expect(started).rejects.toThrow(/terminated/);
      await proxy.set('forward');
      // An idle connection cut with it may still be handed out once before its close is read.
      const again = await eventually('a transaction to work again', () =>
        db.transaction((tx) => tx.query<{ one: number }>('SELECT 1 AS one')).catch(() => undefined),
      );
      expect(again.rows).toEqual([{ one: 1 }]);
    } finally {
      await db.close();
      await proxy.close();
      await testDb.drop();
    }
  });
});

describe('opening the store', () => {
  it('defaults to an embedded database in the data directory that survives a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oatie-store-'));
    try {
      const first = await openStore({ databaseUrl: undefined, dataDir: dir }, migrations);
      await new AuditLog(first).record({
        actor: 'alice',
        platform: 'console',
        event: 'command',
        outcome: 'ok',
      });
      await first.close();
      const second = await openStore({ databaseUrl: undefined, dataDir: dir }, migrations);
      expect((await new AuditLog(second).since(new Date(0))).map((r) => r.actor)).toEqual(['alice']);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('serves one process only: a second one on the same directory is refused, a dead owner’s lock is taken over', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oatie-lock-'));
    try {
      // A live process that is not us holds the lock.
      await writeFile(join(dir, 'oatie-ops.lock'), String(process.ppid));
      await expect(openStore({ databaseUrl: undefined, dataDir: dir }, migrations)).rejects.toThrow(
        `in use by process ${process.ppid}`,
      );
      // A lock left behind by a process that no longer exists (kill -9).
      await writeFile(join(dir, 'oatie-ops.lock'), '2147483646');
      const db = await openStore({ databaseUrl: undefined, dataDir: dir }, migrations);
      expect(await readFile(join(dir, 'oatie-ops.lock'), 'utf8')).toBe(String(process.pid));
      await db.close();
      await expect(readFile(join(dir, 'oatie-ops.lock'), 'utf8')).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('fails with the reason when the Postgres server cannot be reached', async () => {
    await expect(
      openStore({ databaseUrl: 'postgres://postgres@127.0.0.1:1/x', dataDir: '' }, migrations),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});
