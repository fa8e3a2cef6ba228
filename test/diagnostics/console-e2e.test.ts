// End to end: `printf 'db connections\ndb long-running\n' | npm start` with OATIE_DATABASE_URL set
// answers in the terminal with real figures from the real database.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createOatieDatabase,
  startQuery,
  type OatieDatabase,
  type RunningQuery,
} from '../support/oatie-database.js';
import { runBot } from '../support/run-bot.js';

let db: OatieDatabase;
let dataDir: string;
let sleeper: RunningQuery;

beforeAll(async () => {
  db = await createOatieDatabase('consolee2e');
  dataDir = mkdtempSync(join(tmpdir(), 'oatie-e2e-'));
  sleeper = await startQuery(db, 'report-service', 'SELECT pg_sleep(120) /* quarterly close */');
});

afterAll(async () => {
  await db.sql('SELECT pg_cancel_backend($1)', [sleeper.pid]);
  await sleeper.done;
  await sleeper.client.end();
  await db.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the console with OATIE_DATABASE_URL', () => {
  test('db connections and db long-running answer with real figures', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const run = await runBot('db connections\ndb long-running\ndb long-running --older-than 1s\n', {
      OATIE_DATABASE_URL: db.url,
      OATIE_DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`*** Database connections — 127.0.0.1:5432/${db.name} ***`);
    expect(run.stdout).toMatch(
      /✅ Connections are fine: \d+ of \d+ connections in use on the server \(\d+%\)\./,
    );
    expect(run.stdout).toMatch(/report-service\s+postgres\s+1\s+1\s+0\s+0/);
    expect(run.stdout).toMatch(/oatie-ops\s+postgres\s+1\s+1/);
    expect(run.stdout).toContain('✅ No query has been running for more than 5 minutes.');
    expect(run.stdout).toMatch(
      new RegExp(
        `⚠️ 1 query has been running for more than 1 second; the oldest for \\d+ seconds? \\(pid ${sleeper.pid}, report-service, active\\)`,
      ),
    );
    expect(run.stdout).toContain('SELECT pg_sleep(120) /* quarterly close */');
    expect(run.stderr).not.toMatch(/error/i);
  });
});
