// `db blocking`: a batch job holds a row lock inside an open transaction; two report updates queue
// behind it. The engineer sees who waits on whom, and the head of the chain to end.
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

let db: OatieDatabase;
let bot: DiagnosticsHarness;
let holder: pg.Client;
let holderPid: number;
const waiters: RunningQuery[] = [];

beforeAll(async () => {
  db = await createOatieDatabase('blocking');
  await db.sql(
    `INSERT INTO organizations (id, name) VALUES ('11111111-1111-4111-8111-111111111111', 'Acme Analytics')`,
  );
  bot = await startDiagnostics({ OATIE_DATABASE_URL: db.url });
});

afterAll(async () => {
  await holder?.query('ROLLBACK').catch(() => undefined);
  await Promise.all(waiters.map((w) => w.done));
  await Promise.all([holder?.end(), ...waiters.map((w) => w.client.end())]);
  await closeDiagnostics(bot, db);
});

describe('db blocking', () => {
  test('nothing blocked: says so', async () => {
    const answer = await bot.run('db blocking');
    expect(answer.text).toContain('✅ No query is waiting for a lock held by another session.');
  });

  test('shows blocked and blocking sessions, and offers to end the head of the chain', async () => {
    holder = await db.client('nightly-batch');
    holderPid = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    await holder.query('BEGIN');
    await holder.query(`UPDATE organizations SET plan = 'enterprise' WHERE name = 'Acme Analytics'`);
    for (const app of ['report-service', 'billing-service']) {
      const waiter = await startQuery(
        db,
        app,
        `UPDATE organizations SET plan = 'trial' WHERE name = 'Acme Analytics'`,
      );
      waiters.push(waiter);
      await eventually(`${app} to wait for the lock`, async () => {
        const rows = await db.sql(
          `SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND wait_event_type = 'Lock'`,
          [waiter.pid],
        );
        return rows.length > 0 ? true : undefined;
      });
    }

    const answer = await bot.run('db blocking');
    expect(answer.text).toContain('🔴 2 queries are blocked.');
    expect(answer.text).toMatch(
      new RegExp(
        `pid ${holderPid} \\(postgres, nightly-batch\\) is idle in transaction, transaction open for \\d+ seconds?, and holds up 2 queries`,
      ),
    );
    // The second update queues behind the first: a chain, not two direct victims.
    expect(answer.text).toMatch(
      new RegExp(`${waiters[1]!.pid}\\s+postgres.*${waiters[0]!.pid}\\s+postgres\\s+active`),
    );
    // Each blocked statement beside the statement of the session blocking it.
    expect(answer.text).toMatch(
      new RegExp(
        `${waiters[0]!.pid}\\s+postgres\\s+\\S+\\s+UPDATE organizations SET plan = 'trial'.*${holderPid}\\s+postgres\\s+idle in transaction\\s+UPDATE organizations SET plan = 'enterprise'`,
      ),
    );
    expect(answer.buttons.map((b) => b.label)).toEqual([`Terminate pid ${holderPid}`]);
    expect(await bot.payloadOf(answer.buttons[0]!)).toEqual({
      kind: 'fix.propose',
      payload: {
        command: 'db terminate',
        args: { pid: String(holderPid) },
        why: expect.stringContaining('head of a lock chain'),
      },
    });
  });
});
