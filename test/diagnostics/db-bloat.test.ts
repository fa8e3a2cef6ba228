// `db bloat`: the audit log was purged with autovacuum switched off on it; the engineer sees the dead
// tuples, when the table was last vacuumed, and a VACUUM button. After the vacuum, the bloat is gone.
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
  db = await createOatieDatabase('bloat');
  await actAs(db, 'retention-job', async (writer) => {
    await writer.query('ALTER TABLE audit_logs SET (autovacuum_enabled = false)');
    await writer.query(`INSERT INTO audit_logs (action) SELECT 'login' FROM generate_series(1, 10000)`);
    await writer.query('DELETE FROM audit_logs WHERE id <= 8000');
  });
  bot = await startDiagnostics({ OATIE_DATABASE_URL: db.url });
});

afterAll(() => closeDiagnostics(bot, db));

describe('db bloat', () => {
  test('names the bloated table, its dead share, that autovacuum is off, and offers a VACUUM', async () => {
    const answer = await eventually('the dead tuples to be counted', async () => {
      const a = await bot.run('db bloat');
      return a.text.includes('8,000') ? a : undefined;
    });
    expect(answer.text).toContain(
      '⚠️ 1 table needs a vacuum: audit_logs is 80% dead tuples (8,000 dead, 2,000 live). Autovacuum is switched off on audit_logs.',
    );
    expect(answer.text).toMatch(/audit_logs\s+8,000\s+80%\s+2,000\s+\S+ kB\s+never\s+never\s+off/);
    expect(answer.text).toMatch(/organizations\s+0\s+0%\s+0/);
    expect(answer.buttons.map((b) => b.label)).toEqual(['VACUUM public.audit_logs']);
    expect(await bot.payloadOf(answer.buttons[0]!)).toEqual({
      kind: 'fix.propose',
      payload: {
        command: 'db vacuum',
        args: { table: 'public.audit_logs' },
        why: 'db bloat: 80% of audit_logs is dead tuples',
      },
    });
  });

  test('after a VACUUM (what the fix runs, on its own connection) the table is clean', async () => {
    await bot.targets.postgres!.maintenance('VACUUM (ANALYZE) audit_logs', { timeoutMs: 10_000 });
    const answer = await eventually('the vacuum to be counted', async () => {
      const a = await bot.run('db bloat');
      return a.text.includes('✅') ? a : undefined;
    });
    expect(answer.text).toContain('✅ No table has a large share of dead tuples.');
    expect(answer.text).toMatch(
      /audit_logs\s+0\s+0%\s+2,000\s+\S+ kB\s+\d+ seconds? ago\s+\d+ seconds? ago\s+off/,
    );
    expect(answer.buttons).toEqual([]);
  });
});
