// `npm run demo:seed`: creates the Oatie sample schema and data in OATIE_DATABASE_URL, so every
// diagnostic has something to find. Refuses to touch a database that already has those tables.
import { existsSync } from 'node:fs';
import { readConfig } from '../config/env.js';
import { describeError } from '../core/errors.js';
import { openPgDb } from '../store/pg-db.js';
import type { Db } from '../store/db.js';
import { describePostgresUrl } from '../targets/postgres.js';
import { oatieSchemaSql, oatieTables } from './oatie-schema.js';
import { demoReports, demoUsers, sampleDataSql } from './sample-data.js';

function fail(message: string): never {
  process.stderr.write(`demo:seed: ${message}\n`);
  process.exit(1);
}

async function existingTables(db: Db): Promise<string[]> {
  const result = await db.query<{ table_name: string }>(
    `SELECT table_name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_name = ANY ($1::text[]) ORDER BY table_name`,
    [[...oatieTables]],
  );
  return result.rows.map((r) => r.table_name);
}

/** Traffic the statistics remember: the reports filter that misses an index, and lookups that use theirs. */
async function simulateTraffic(db: Db): Promise<void> {
  const orgs = await db.query<{ id: string }>('SELECT id FROM organizations ORDER BY name');
  for (let round = 0; round < 10; round += 1) {
    for (const org of orgs.rows) {
      await db.query(`SELECT count(*) FROM reports WHERE organization_id = $1 AND status = 'processing'`, [
        org.id,
      ]);
    }
  }
  for (const user of Object.values(demoUsers)) {
    await db.query('SELECT id, role FROM users WHERE email = $1', [user.email]);
    await db.query('SELECT permission FROM user_permissions WHERE user_id = $1 AND permission = $2', [
      user.id,
      'reports:create',
    ]);
  }
  await db.query(
    'SELECT status, error FROM report_executions WHERE report_id = $1 ORDER BY started_at DESC LIMIT 10',
    [demoReports.stuckWithOracleErrors],
  );
}

function nextSteps(where: string, redisPrefix: string): string {
  const key = `${redisPrefix}permissions:${demoUsers.james.id}`;
  return [
    `Seeded the Oatie sample data into ${where}:`,
    '  5 organisations, 205 users, 20,000 reports, 6 reports processing (5 stuck), executions with errors,',
    '  an unused index (idx_audit_logs_action), a missing one on reports, and report_executions bloated.',
    '',
    'Try:',
    '  printf "db connections\\ndb long-running\\nreports stuck\\ndb bloat\\ndb indexes\\n" | npm start',
    `  reports status ${demoReports.stuckWithOracleErrors}`,
    `  auth user ${demoUsers.maria.email} reports:create`,
    '',
    'For a stale permission cache (Redis), then `auth user ' + demoUsers.james.email + ' reports:create`:',
    `  redis-cli SET '${key}' '["reports:read","templates:read"]' EX 3600`,
    '',
  ].join('\n');
}

async function seed(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = readConfig(process.env);
  if (!config.ok) fail(config.message);
  const url = config.config.OATIE_DATABASE_URL;
  if (url === undefined)
    fail(
      'set OATIE_DATABASE_URL to the database to fill, e.g. postgres://postgres@127.0.0.1:5432/oatie_demo',
    );
  const where = describePostgresUrl(url);
  const db = openPgDb(url, { max: 1 });
  try {
    const existing = await existingTables(db).catch((error: unknown) =>
      fail(`cannot reach ${where}: ${describeError(error)}`),
    );
    if (existing.length > 0) {
      fail(
        `${where} already has ${existing.join(', ')}: the seed only fills a database without the Oatie tables. ` +
          'Create an empty one (createdb oatie_demo) and point OATIE_DATABASE_URL at it.',
      );
    }
    const started = performance.now();
    await db.transaction(async (tx) => {
      await tx.exec(oatieSchemaSql);
      await tx.exec(sampleDataSql);
    });
    await simulateTraffic(db);
    process.stdout.write(nextSteps(where, config.config.OATIE_REDIS_PREFIX));
    process.stdout.write(`(${Math.round(performance.now() - started)} ms)\n`);
  } finally {
    await db.close();
  }
}

seed().catch((error: unknown) => fail(describeError(error)));
