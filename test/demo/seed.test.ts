// `npm run demo:seed`: fills an empty database with the Oatie sample data that every diagnostic can
// find something in, and refuses to touch a database that already has the Oatie tables.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { runScript } from '../support/run-bot.js';
import pg from 'pg';

const seed = (env: Record<string, string>) => runScript('src/demo/seed.ts', '', env);

let db: TestDatabase;

async function one<R>(sql: string): Promise<R> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows[0] as R;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await createTestDatabase('seed');
});

afterAll(async () => {
  await db.drop();
});

describe('demo:seed', () => {
  test('without OATIE_DATABASE_URL it says what to set', async () => {
    // Set but empty, so a developer's .env cannot fill it in.
    const run = await seed({ OATIE_DATABASE_URL: '' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('demo:seed: set OATIE_DATABASE_URL');
  });

  test('fills an empty database with the sample data', async () => {
    const run = await seed({ OATIE_DATABASE_URL: db.url });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Seeded the Oatie sample data into 127.0.0.1:5432/${db.name}`);
    expect(run.stdout).toContain('reports status 3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c01');

    const counts = await one<Record<string, number>>(`
      SELECT (SELECT count(*)::int FROM organizations) AS organizations,
             (SELECT count(*)::int FROM users) AS users,
             (SELECT count(*)::int FROM reports) AS reports,
             (SELECT count(*)::int FROM reports WHERE status = 'processing') AS processing,
             (SELECT count(*)::int FROM report_executions WHERE error IS NOT NULL) AS errors,
             (SELECT count(*)::int FROM audit_logs) AS audit_logs`);
    expect(counts).toMatchObject({
      organizations: 5,
      users: 205,
      reports: 20_007,
      processing: 6,
      audit_logs: 5000,
    });
    expect(counts.errors).toBeGreaterThan(100);
    const autovacuum = await one<{ options: string[] }>(
      `SELECT reloptions AS options FROM pg_class WHERE relname = 'report_executions'`,
    );
    expect(autovacuum.options).toEqual(['autovacuum_enabled=false']);
  });

  test('refuses a database that already has the Oatie tables', async () => {
    const run = await seed({ OATIE_DATABASE_URL: db.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `127.0.0.1:5432/${db.name} already has audit_logs, organizations, report_executions, reports, templates, user_permissions, users`,
    );
    expect((await one<{ n: number }>('SELECT count(*)::int AS n FROM organizations')).n).toBe(5);
  });
});
