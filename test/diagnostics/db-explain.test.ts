// `db explain <pid|id>`: the plan of a running report query or of a slow statement, costliest step
// first, from the text in the catalog (never from chat); plain EXPLAIN in a read-only transaction, so
// nothing runs; writes, several statements and texts without their values are refused in words.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { oatieSchemaSql } from '../../src/demo/oatie-schema.js';
import {
  closeDiagnostics,
  startDiagnostics,
  withDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import {
  createOatieDatabase,
  eventually,
  startQuery,
  waitActive,
  type OatieDatabase,
  type RunningQuery,
} from '../support/oatie-database.js';
import { runAs, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';

let db: OatieDatabase;
let bot: DiagnosticsHarness;
const running: RunningQuery[] = [];

// Five thousand reports, most of them done: a report query filtering on status reads them all.
const SAMPLE_SQL = `
INSERT INTO organizations (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Acme');
INSERT INTO templates (id, organization_id, name)
  VALUES ('00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001', 'Monthly');
INSERT INTO users (organization_id, email, name)
  SELECT '00000000-0000-4000-8000-000000000001', 'user' || i || '@acme.test', 'User ' || i
  FROM generate_series(1, 50) i;
INSERT INTO reports (organization_id, template_id, name, status, created_by)
  SELECT '00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002', 'Report ' || i,
         CASE WHEN i % 100 = 0 THEN 'processing' ELSE 'completed' END,
         (SELECT id FROM users ORDER BY email LIMIT 1)
  FROM generate_series(1, 5000) i;
CREATE SEQUENCE explain_probe;
ANALYZE;`;

async function run(applicationName: string, sql: string): Promise<RunningQuery> {
  const query = await startQuery(db, applicationName, sql);
  running.push(query);
  return query;
}

beforeAll(async () => {
  db = await createOatieDatabase('explain');
  await db.sql(SAMPLE_SQL);
  bot = await startDiagnostics({ OATIE_DATABASE_URL: db.url });
});

afterAll(async () => {
  for (const q of running) await db.sql('SELECT pg_cancel_backend($1)', [q.pid]);
  for (const q of running) {
    await q.done;
    await q.client.end();
  }
  await closeDiagnostics(bot, db);
});

describe('db explain <pid>: a running query', () => {
  test('the plan, costliest step first, with the next step when it reads a whole table', async () => {
    const query = await run(
      'report-service',
      `SELECT nextval('explain_probe'), pg_sleep(60), count(*) FROM reports r JOIN users u ON u.id = r.created_by WHERE r.status = 'processing'`,
    );
    const answer = await bot.run(`db explain ${query.pid}`);
    expect(answer.text).toContain(`Plan of pid ${query.pid} (report-service, active)`);
    expect(answer.text).toMatch(
      /ℹ️ Estimated cost [\d,]+ \(plain EXPLAIN: estimates, nothing ran\)\. The costliest step: Seq Scan on reports \(\d+% of the cost, Filter: \(status = 'processing'::text\)\)\./,
    );
    // Costliest first: the scan of reports heads the table, above the join and the count fed by it.
    const rows = answer.text.split('\n');
    const header = rows.findIndex((l) => l.startsWith('share'));
    expect(rows[header + 2]).toMatch(
      /^\d+%\s+[\d,]+\s+Seq Scan on reports\s+50\s+Filter: \(status = 'processing'::text\)$/,
    );
    // The tree as EXPLAIN prints it follows.
    expect(answer.text).toMatch(/^ {4}Aggregate {2}\(cost=[\d.]+\.\.[\d.]+ rows=1\)$/m);
    expect(answer.text).toMatch(/^ +-> Seq Scan on reports {2}\(cost=/m);
    expect(answer.text).toContain(
      '`db indexes` shows how reports is read; `db create-index reports <column>` builds one without blocking writes (needs approval).',
    );
    // Plain EXPLAIN ran nothing: the sequence moved once, for the query itself.
    const [probe] = await db.sql<{ last_value: string }>('SELECT last_value FROM explain_probe');
    expect(probe!.last_value).toBe('1');
    expect(answer.buttons).toEqual([]);
  });

  test('db long-running names db explain with the oldest pid', async () => {
    const answer = await eventually('the report query to run for a second', async () => {
      const a = await bot.run('db long-running --older-than 1s');
      return a.text.includes('report-service') ? a : undefined;
    });
    expect(answer.text).toContain(
      `Where a query's time goes: \`db explain ${running[0]!.pid}\` shows its plan (plain EXPLAIN, nothing runs); any pid of the table works.`,
    );
  });

  test('passwords in the query and in the plan are masked', async () => {
    const query = await run(
      'auth-service',
      `SELECT pg_sleep(60), count(*) FROM users WHERE md5(email) <> md5('password=Hunter2-secret')`,
    );
    const answer = await bot.run(`db explain ${query.pid}`);
    expect(answer.text).toContain('Seq Scan on users');
    expect(answer.text).toContain('password=[redacted]');
    expect(answer.text).not.toContain('Hunter2');
  });

  test('a query that writes is not planned, nor is a text of two statements', async () => {
    const update = await run(
      'migration',
      `UPDATE organizations SET plan = plan WHERE pg_sleep(60) IS NOT NULL`,
    );
    const cte = await run(
      'cleanup',
      `WITH gone AS (DELETE FROM reports WHERE false RETURNING id) SELECT pg_sleep(60), count(*) FROM gone`,
    );
    const two = await run('batch', `SELECT pg_sleep(60); SELECT count(*) FROM reports`);
    expect((await bot.run(`db explain ${update.pid}`)).text).toContain(
      'ℹ️ Not planned: it is not a read query (it starts with UPDATE): only SELECT and WITH … SELECT are planned.',
    );
    expect((await bot.run(`db explain ${cte.pid}`)).text).toContain(
      'ℹ️ Not planned: it contains DELETE: a query that writes (or SELECT … INTO, which creates a table) is not planned.',
    );
    const answer = await bot.run(`db explain ${two.pid}`);
    expect(answer.text).toContain(
      'ℹ️ Not planned: the text holds 2 statements; only a single query is planned.',
    );
    expect(answer.text).toContain('SELECT pg_sleep(60); SELECT count(*) FROM reports');
  });

  test('a query sent with bound parameters cannot be planned on Postgres 15', async () => {
    const client = await db.client('report-service');
    const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const done = client
      .query('SELECT pg_sleep($1), count(*) FROM reports WHERE status = $2', [60, 'failed'])
      .catch((e: unknown) => e);
    running.push({ client, pid: row!.pid, done });
    await waitActive(db, row!.pid);
    const answer = await bot.run(`db explain ${row!.pid}`);
    const [server] = await db.sql<{ v: number }>(`SELECT current_setting('server_version_num')::int AS v`);
    if (server!.v < 160000)
      expect(answer.text).toContain(
        'ℹ️ Not planned: this client sends its values apart from the text (bound parameters), and Postgres 15 cannot plan a query without its values: EXPLAIN (GENERIC_PLAN) needs Postgres 16 or later.',
      );
    else expect(answer.text).toContain('Seq Scan on reports');
  });

  test('a query written for another schema: what Postgres says, and why', async () => {
    await db.sql(
      'CREATE SCHEMA IF NOT EXISTS reporting; CREATE TABLE IF NOT EXISTS reporting.monthly (n int)',
    );
    const client = await db.client('reporting');
    await client.query('SET search_path = reporting, public');
    const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    const done = client.query('SELECT pg_sleep(60), count(*) FROM monthly').catch((e: unknown) => e);
    running.push({ client, pid: row!.pid, done });
    await waitActive(db, row!.pid);
    const answer = await bot.run(`db explain ${row!.pid}`);
    expect(answer.text).toContain(
      '⚠️ Postgres could not plan it: relation "monthly" does not exist (SQLSTATE 42P01).',
    );
    expect(answer.text).toContain("The bot plans with search_path set to the platform's schema");
  });

  test('no such pid or id; the bot itself', async () => {
    const none = await bot.run('db explain 2000000001');
    expect(none.text).toContain(
      `🔍 No session with pid 2000000001 and no statement with id 2000000001 in ${bot.targets.postgres!.description}.`,
    );
    expect(none.text).toContain(
      'Running queries and their pids: `db long-running`; slow statements and their ids: `db slow-queries`.',
    );
    const [own] = await bot.targets.postgres!.ownPids();
    expect((await bot.run(`db explain ${own}`)).text).toContain(`pid ${own} is the bot's own connection.`);
    expect((await bot.run('db explain 12; DROP TABLE reports')).text).toContain('⚠️');
  });
});

describe('db explain <id>: a slow statement from db slow-queries', () => {
  let server: PrivatePostgres;

  const onPrivate = (sql: string): Promise<void> => runAs(server.url, sql);

  beforeAll(async () => {
    server = await startPrivatePostgres({ shared_preload_libraries: 'pg_stat_statements' });
    await onPrivate(oatieSchemaSql);
    await onPrivate('CREATE EXTENSION pg_stat_statements');
    await onPrivate(`CREATE FUNCTION slow_read() RETURNS int LANGUAGE sql AS 'SELECT 1 FROM pg_sleep(0.3)'`);
  });

  afterAll(() => server.stop());

  test('the id shown by db slow-queries plans the statement; a normalised one is refused in words', async () => {
    await onPrivate('SELECT pg_stat_statements_reset()');
    await onPrivate('SELECT slow_read(), count(*) FROM reports r JOIN templates t ON t.id = r.template_id');
    await onPrivate(`SELECT pg_sleep(0.25), count(*) FROM reports WHERE status = 'failed'`);
    await withDiagnostics({ OATIE_DATABASE_URL: server.url }, async (bot) => {
      const slow = await bot.run('db slow-queries --min-ms 200');
      const next = /`db explain (-?\d+)` plans the slowest/.exec(slow.text);
      expect(next).not.toBeNull();
      const planned = await bot.run(`db explain ${next![1]}`);
      expect(planned.text).toContain(`Plan of statement ${next![1]}`);
      expect(planned.text).toMatch(
        /ℹ️ Estimated cost [\d,.]+ \(plain EXPLAIN: estimates, nothing ran\)\. The costliest step: /,
      );
      expect(planned.text).toContain(
        'SELECT slow_read(), count(*) FROM reports r JOIN templates t ON t.id = r.template_id',
      );

      const normalised = /^(-?\d+)\s.*pg_sleep\(\$1\)/m.exec(slow.text);
      expect(normalised).not.toBeNull();
      const refused = await bot.run(`db explain ${normalised![1]}`);
      expect(refused.text).toContain(
        'ℹ️ Not planned: pg_stat_statements keeps statements normalised, their constants replaced by $1, $2…, and Postgres 15 cannot plan a query without its values: EXPLAIN (GENERIC_PLAN) needs Postgres 16 or later. Plan a running instance of it instead: `db long-running` lists pids, then `db explain <pid>`.',
      );
    });
  });
});
