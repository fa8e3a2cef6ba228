// Query text from pg_stat_activity is shown in channels: a credential typed into a query (a bearer
// token in a comment, a password literal) is masked in `db long-running` and `db blocking`.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type pg from 'pg';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import {
  createOatieDatabase,
  eventually,
  startQuery,
  type OatieDatabase,
  type RunningQuery,
} from '../support/oatie-database.js';

const TOKEN = 'abcdefghijklmnop';
const PASSWORD = 'hunter2x';
// Short enough that even the 60-character columns would show both secrets unmasked.
const SECRET_QUERY = `/* Bearer ${TOKEN} */ SELECT pg_sleep(60) /* PASSWORD '${PASSWORD}' */`;

let db: OatieDatabase;
let bot: DiagnosticsHarness;
let sleeper: RunningQuery;
let holder: pg.Client | undefined;
let waiter: RunningQuery | undefined;

const expectNoSecret = (text: string): void => {
  expect(text).not.toContain(TOKEN);
  expect(text).not.toContain(PASSWORD);
};

beforeAll(async () => {
  db = await createOatieDatabase('querysecrets');
  await db.sql(`INSERT INTO organizations (name) VALUES ('Acme Analytics')`);
  bot = await startDiagnostics({ OATIE_DATABASE_URL: db.url });
  sleeper = await startQuery(db, 'report-service', SECRET_QUERY);
  await new Promise((resolve) => setTimeout(resolve, 1100));
});

afterAll(async () => {
  await db.sql('SELECT pg_cancel_backend($1)', [sleeper.pid]);
  await holder?.query('ROLLBACK').catch(() => undefined);
  await Promise.all([sleeper.done, waiter?.done]);
  await Promise.all([sleeper.client.end(), holder?.end(), waiter?.client.end()]);
  await closeDiagnostics(bot, db);
});

describe('secrets in query text', () => {
  test('db long-running shows the query with its credentials masked', async () => {
    const answer = await bot.run('db long-running --older-than 1s');
    expect(answer.text).toContain(String(sleeper.pid));
    // Masked, then shortened to the column's 80 characters.
    expect(answer.text).toContain('/* Bearer [redacted] */ SELECT pg_sleep(60) /* PASSWORD [re…');
    expectNoSecret(answer.text);
  });

  test('db blocking masks the statements of the blocked and the blocking sessions', async () => {
    holder = await db.client('nightly-batch');
    await holder.query('BEGIN');
    await holder.query(`UPDATE organizations SET plan = 'enterprise' WHERE name = 'Acme Analytics'`);
    // An idle-in-transaction session shows its last statement.
    await holder.query(`SELECT 1 /* Bearer ${TOKEN} PASSWORD '${PASSWORD}' */`);
    waiter = await startQuery(
      db,
      'report-service',
      `/* api_key=${TOKEN} */ UPDATE organizations SET plan = 'trial' WHERE name = 'Acme Analytics'`,
    );
    await eventually('the update to wait for the lock', async () => {
      const rows = await db.sql(
        `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
        [waiter?.pid],
      );
      return rows.length > 0 ? true : undefined;
    });
    const answer = await bot.run('db blocking');
    expect(answer.text).toContain('SELECT 1 /* Bearer [redacted] PASSWORD [redacted]');
    expect(answer.text).toContain('/* api_key=[redacted] */ UPDATE organizations');
    expectNoSecret(answer.text);
  });
});
