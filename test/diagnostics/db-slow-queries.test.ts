// `db slow-queries`: the slowest statements from pg_stat_statements, with calls and cache hits; and
// where the extension is missing, the exact steps to enable it.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { oatieSchemaSql } from '../../src/demo/oatie-schema.js';
import { closeDiagnostics, withDiagnostics } from '../support/diagnostics-harness.js';
import { createOatieDatabase, type OatieDatabase } from '../support/oatie-database.js';
import { runAs, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';

let db: OatieDatabase;
let server: PrivatePostgres;

const onPrivate = (sql: string): Promise<void> => runAs(server.url, sql);

beforeAll(async () => {
  db = await createOatieDatabase('slowqueries');
  // The shared test server does not preload pg_stat_statements; a private one does.
  server = await startPrivatePostgres({ shared_preload_libraries: 'pg_stat_statements' });
  await onPrivate(oatieSchemaSql);
  await onPrivate('CREATE EXTENSION pg_stat_statements');
});

afterAll(() => closeDiagnostics(db, server));

describe('db slow-queries', () => {
  test('without the extension: how to enable it, for this server', () =>
    withDiagnostics({ OATIE_DATABASE_URL: db.url }, async (bot) => {
      const [setting] = await db.sql<{ preload: string }>(
        `SELECT current_setting('shared_preload_libraries') AS preload`,
      );
      const preload = setting!.preload;
      const answer = await bot.run('db slow-queries');
      if (preload.includes('pg_stat_statements')) {
        expect(answer.text).toContain('pg_stat_statements is loaded but not created in this database');
      } else {
        expect(answer.text).toContain(
          'ℹ️ pg_stat_statements is not enabled on this server, so there are no query statistics to read. To enable it:',
        );
        expect(answer.text).toContain(
          `ALTER SYSTEM SET shared_preload_libraries = '${preload === '' ? '' : `${preload}, `}pg_stat_statements';`,
        );
        expect(answer.text).toContain('then restart Postgres (a reload is not enough)');
      }
      expect(answer.text).toContain('CREATE EXTENSION IF NOT EXISTS pg_stat_statements;');
    }));

  test('with the extension: the slowest statements by mean time, with calls and cache hit ratio', async () => {
    await onPrivate('SELECT pg_stat_statements_reset()');
    await onPrivate(`SELECT pg_sleep(0.6), count(*) FROM reports WHERE status = 'processing'`);
    await onPrivate(`SELECT pg_sleep(0.6), count(*) FROM reports WHERE status = 'processing'`);
    await onPrivate('SELECT count(*) FROM users');
    await withDiagnostics({ OATIE_DATABASE_URL: server.url }, async (bot) => {
      const answer = await bot.run('db slow-queries --min-ms 500');
      expect(answer.text).toContain('Slow queries (mean ≥ 500 ms)');
      expect(answer.text).toMatch(
        /⚠️ 1 statement takes 500 ms or more on average \(since statistics were reset \d+ seconds? ago\); the slowest averages 6\d\d ms over 2 calls\./,
      );
      expect(answer.text).toMatch(
        /6\d\d ms\s+2\s+1\.2 s\s+2\s+(\d+\.\d%|—)\s+SELECT pg_sleep\(\$1\), count\(\*\) FROM reports WHERE status = \$2/,
      );
      expect(answer.text).not.toContain('FROM users');

      const none = await bot.run('db slow-queries --min-ms 5000');
      expect(none.text).toMatch(/✅ No statement takes 5000 ms or more on average/);
    });
  });
});
