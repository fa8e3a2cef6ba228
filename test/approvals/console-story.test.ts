// The "done when", end to end through the real process (the bot as `npm start`
// runs) with its console piped: a real pg_sleep is planned, refused to its requester, terminated on
// bob's approval, and the audit log shows the four events.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBot } from '../support/run-bot.js';
import { createOatieDatabase, startQuery, type OatieDatabase } from '../support/oatie-database.js';

let oatie: OatieDatabase;
let dataDir: string;

beforeAll(async () => {
  oatie = await createOatieDatabase('console');
  dataDir = await mkdtemp(join(tmpdir(), 'oatie-console-'));
});

afterAll(async () => {
  await oatie.drop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the console story of a fix', () => {
  it('plans, refuses self-approval, terminates on bob’s approval, and audits the four events', async () => {
    const { client, pid, done } = await startQuery(oatie, 'report-worker', 'SELECT pg_sleep(120)');
    try {
      const input = [`db terminate ${pid}`, 'press a1', 'as bob press a1', 'audit', ''].join('\n');
      const run = await runBot(input, {
        OATIE_DATA_DIR: dataDir,
        OATIE_DATABASE_URL: oatie.url,
        LOG_LEVEL: 'warn',
      });
      expect(run.code).toBe(0);
      const out = run.stdout;

      const plan = out.indexOf('Fix awaiting approval: db terminate');
      const refusal = out.indexOf(
        'You cannot approve this: you requested this fix; a second person must approve it',
      );
      const result = out.indexOf(`Backend ${pid} terminated.`);
      expect(plan).toBeGreaterThan(-1);
      expect(out).toContain(`SELECT pg_terminate_backend(${pid})`);
      expect(out).toContain('[a1] Approve  [a2] Reject');
      expect(refusal).toBeGreaterThan(plan);
      expect(result).toBeGreaterThan(refusal);
      expect(out).toContain('Approved by @bob');

      const gone = await oatie.sql('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid]);
      expect(gone).toEqual([]);
      expect(String(await done)).toMatch(/terminat/i);

      const audit = out.slice(out.lastIndexOf('Audit log'));
      const events = [...audit.matchAll(/\b(fix\.[a-z]+)\b/g)].map((m) => m[1]);
      // Newest first.
      expect(events).toEqual(['fix.executed', 'fix.approved', 'fix.refused', 'fix.requested']);
      expect(audit).toMatch(
        /bob\s+fix\.executed\s+db terminate\s+127\.0\.0\.1:5432\/oatie_test_console_\w+\s+succeeded/,
      );
      expect(audit).toMatch(/alice\s+fix\.refused\s+db terminate/);
    } finally {
      await client.end().catch(() => undefined);
    }
  });
});
