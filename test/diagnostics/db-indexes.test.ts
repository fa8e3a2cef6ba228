// `db indexes`: an index nobody uses, constraint indexes that must stay, and a big table read by
// sequential scans because the filter the application uses has no index.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { actAs, createOatieDatabase, eventually, type OatieDatabase } from '../support/oatie-database.js';

let db: OatieDatabase;
let bot: DiagnosticsHarness;

beforeAll(async () => {
  db = await createOatieDatabase('indexes');
  await actAs(db, 'report-service', async (app) => {
    await app.query(
      `INSERT INTO organizations (id, name) VALUES ('11111111-1111-4111-8111-111111111111', 'Acme Analytics')`,
    );
    await app.query(
      `INSERT INTO templates (id, organization_id, name) VALUES ('22222222-2222-4222-8222-222222222222', '11111111-1111-4111-8111-111111111111', 'Monthly Sales')`,
    );
    await app.query(`
      INSERT INTO reports (organization_id, template_id, name, status)
      SELECT '11111111-1111-4111-8111-111111111111', '22222222-2222-4222-8222-222222222222', 'report ' || g,
             CASE WHEN g % 100 = 0 THEN 'processing' ELSE 'completed' END
      FROM generate_series(1, 12000) AS g`);
    // What the report list page runs on every load: no index on (organization_id, status).
    for (let i = 0; i < 25; i += 1) {
      await app.query(`SELECT count(*) FROM reports WHERE organization_id = $1 AND status = 'processing'`, [
        '11111111-1111-4111-8111-111111111111',
      ]);
    }
  });
  bot = await startDiagnostics({ OATIE_DATABASE_URL: db.url });
});

afterAll(() => closeDiagnostics(bot, db));

describe('db indexes', () => {
  test('unused indexes: droppable ones apart from those enforcing a constraint', async () => {
    const answer = await bot.run('db indexes');
    expect(answer.text).toContain('Index usage');
    expect(answer.text).toMatch(
      /⚠️ 1 index has never been used since statistics began \(idx_audit_logs_action\)/,
    );
    expect(answer.text).toMatch(
      /idx_audit_logs_action\s+audit_logs\s+0\s+\d+ (bytes|kB)\s+unused: candidate to drop/,
    );
    expect(answer.text).toMatch(
      /organizations_name_key\s+organizations\s+0\s+\d+ (bytes|kB)\s+unused, but enforces a constraint: keep/,
    );
    expect(answer.text).toContain('… ');
    expect(answer.text).not.toMatch(/idx_users_organization.*candidate to drop/);
    expect(answer.text).not.toMatch(/\(.*idx_users_organization.*\): each one slows every write/);
  });

  test('an index backing a foreign key is never a candidate to drop: the answer says why it stays', async () => {
    const answer = await bot.run('db indexes');
    expect(answer.text).toMatch(
      /idx_users_organization\s+users\s+0\s+\d+ (bytes|kB)\s+unused, but backs a foreign key: keep/,
    );
    expect(answer.text).toContain(
      'idx_users_organization backs the foreign key users_organization_id_fkey (users → organizations): without it every delete or key change on organizations scans users. It stays.',
    );
    // A two-column index whose first column is the foreign key backs it too.
    expect(answer.text).toContain(
      'idx_report_executions_report backs the foreign key report_executions_report_id_fkey',
    );
    expect(answer.text).toContain('`db drop-index <index>` (needs approval)');
  });

  test('a big table read by many sequential scans is flagged as missing an index', async () => {
    const answer = await eventually('the scans to be counted', async () => {
      const a = await bot.run('db indexes');
      return a.text.includes('Tables that may miss an index') ? a : undefined;
    });
    expect(answer.text).toContain(
      '1 table is read by sequential scans over many rows (reports): probably a missing index.',
    );
    expect(answer.text).toMatch(/reports\s+2\d\s+[\d,]+\s+\d+\s+12,000\s+\S+ kB/);
    expect(answer.text).toContain('`db create-index <table> <columns>`');
  });
});
