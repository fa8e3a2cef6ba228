// `db connections`: who holds the Oatie database's connections — and the bot still answers when
// no connection slot is left, thanks to the one connection it keeps warm.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ADMIN_URL } from '../support/databases.js';
import { closeDiagnostics, startDiagnostics, withDiagnostics } from '../support/diagnostics-harness.js';
import { createOatieDatabase, eventually, type OatieDatabase } from '../support/oatie-database.js';

let db: OatieDatabase;
const clients: pg.Client[] = [];

async function admin(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await createOatieDatabase('dbconnections');
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await closeDiagnostics(db);
});

describe('db connections', () => {
  test('shows connections by state and the applications that hold them', () =>
    withDiagnostics({ OATIE_DATABASE_URL: db.url }, async (bot) => {
      for (let i = 0; i < 3; i += 1) clients.push(await db.client('report-service'));
      const inTransaction = await db.client('auth-service');
      clients.push(inTransaction);
      await inTransaction.query('BEGIN');
      await inTransaction.query('SELECT count(*) FROM users');

      const answer = await bot.run('db connections');
      expect(answer.to).toEqual(['channel']);
      expect(answer.text).toMatch(
        /✅ Connections are fine: \d+ of \d+ connections in use on the server \(\d+%\)/,
      );
      expect(answer.text).toMatch(/Database oatie_test_dbconnections_\w+: \d+ connections/);
      expect(answer.text).toMatch(/By state: .*idle in transaction 1/);
      expect(answer.text).toMatch(/report-service\s+postgres\s+3\s+0\s+3\s+0/);
      expect(answer.text).toMatch(/auth-service\s+postgres\s+1\s+0\s+0\s+1/);
      expect(answer.text).toContain('1 connection is idle in a transaction');
      await inTransaction.query('ROLLBACK');
    }));

  test('still answers when the database has no free connection slot left', async () => {
    // Superusers ignore CONNECTION LIMIT: the bot and the applications log in as an ordinary role.
    const role = `oatie_ops_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE ROLE ${role} LOGIN IN ROLE pg_monitor`);
    const url = new URL(db.url);
    url.username = role;
    const bot = await startDiagnostics({ OATIE_DATABASE_URL: url.toString() });
    try {
      // The warm connection opens at start-up, before the slots run out.
      await eventually('the warm connection', async () =>
        (await bot.targets.postgres!.ownPids()).length === 1 ? true : undefined,
      );
      for (let i = 0; i < 4; i += 1) clients.push(await db.client('report-service', role));
      // A superuser's session (a DBA in psql) is not counted against CONNECTION LIMIT.
      clients.push(await db.client('psql'));
      const [{ used }] = (await admin(
        `SELECT count(*)::int AS used FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend' AND usename = $2`,
        [db.name, role],
      )) as [{ used: number }];
      await admin(`ALTER DATABASE ${db.name} CONNECTION LIMIT ${used}`);

      // Any new connection is now refused…
      const latecomer = new pg.Client({ connectionString: url.toString() });
      await expect(latecomer.connect()).rejects.toThrow(/too many connections/);

      // …but the bot answers on its warm connection.
      const answer = await bot.run('db connections');
      expect(answer.text).toContain(
        `🔴 No free connection slots for database ${db.name}: ${used} of its ${used} (CONNECTION LIMIT) are taken (plus `,
      );
      expect(answer.text).toMatch(/\(plus \d+ superuser sessions?, not counted\)/);
      expect(answer.text).toMatch(/report-service\s+oatie_ops_\w+\s+4/);
      expect(answer.text).toMatch(/oatie-ops\s+oatie_ops_\w+\s+1\s+1/);
    } finally {
      await bot.close();
      await admin(`ALTER DATABASE ${db.name} CONNECTION LIMIT -1`);
      await Promise.all(clients.splice(0).map((c) => c.end().catch(() => undefined)));
      await admin(`DROP ROLE ${role}`);
    }
  });

  test('a leaked idle connection: listed with its age, client and application, and a fix offered', () =>
    withDiagnostics({ OATIE_DATABASE_URL: db.url }, async (bot) => {
      const leaked = await db.client('billing-export');
      clients.push(leaked);
      await leaked.query('SELECT 1 AS forgotten');
      const [{ pid }] = (await leaked.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [
        { pid: number },
      ];
      const answer = await eventually('the session to be idle for a second', async () => {
        const a = await bot.run('db connections --idle-for 1s');
        return a.text.includes(`Terminate pid ${pid}`) ? a : undefined;
      });
      expect(answer.text).toMatch(
        /⚠️ Connections are fine: .*\. \d+ sessions? ha(s|ve) been idle for more than 1 second, each holding a connection slot\./,
      );
      expect(answer.text).toContain('Idle sessions (over 1 second)');
      expect(answer.text).toMatch(
        new RegExp(
          `${pid}\\s+\\d+s\\s+idle\\s+postgres\\s+billing-export\\s+127\\.0\\.0\\.1\\s+SELECT pg_backend_pid`,
        ),
      );
      expect(answer.text).toContain('the application took a connection and never gave it back');
      const button = answer.buttons.find((b) => b.label === `Terminate pid ${pid}`);
      expect(await bot.payloadOf(button!)).toEqual({
        kind: 'fix.propose',
        payload: {
          command: 'db terminate',
          args: { pid: String(pid) },
          why: `db connections: pid ${pid} (billing-export)`,
        },
      });
      expect(answer.text).toContain('`db terminate-idle --older-than 10m`');
      // The bot's own warm connection is idle too, and never listed.
      for (const own of await bot.targets.postgres!.ownPids())
        expect(answer.text).not.toMatch(new RegExp(`^${own}\\s`, 'm'));

      // With the default threshold (10 minutes) nothing is listed yet.
      const fresh = await bot.run('db connections');
      expect(fresh.text).not.toContain('Idle sessions');
      await leaked.end();
    }));

  test('a role without pg_monitor is told that it sees only its own sessions', async () => {
    const role = `oatie_ops_${randomBytes(4).toString('hex')}`;
    await admin(`CREATE ROLE ${role} LOGIN`);
    const url = new URL(db.url);
    url.username = role;
    const bot = await startDiagnostics({ OATIE_DATABASE_URL: url.toString() });
    try {
      const answer = await bot.run('db connections');
      expect(answer.text).toContain(`The bot's database role ${role} sees only its own sessions`);
      expect(answer.text).toContain(`GRANT pg_monitor TO ${role};`);
    } finally {
      await bot.close();
      await admin(`DROP ROLE ${role}`);
    }
  });
});
