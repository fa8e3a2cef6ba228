// `db terminate-idle`: the leaked connections of "Connection Pool Exhaustion" are ended after
// approval — only the sessions still idle since the query listed; a running query, a session that
// woke up meanwhile and the bot's own connections are left alone.
import { requestFix } from '../../src/approvals/request-fix.js';
import { dbTerminateIdle } from '../../src/remediations/db-terminate-idle.js';
import { startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import { eventually, type OatieDatabase } from '../support/oatie-database.js';
import { policyWith } from '../support/test-app.js';
import type pg from 'pg';

let story: FixStory;
let oatie: OatieDatabase;
let bot: FixHarness;

async function idleClient(app: string): Promise<{ client: pg.Client; pid: number }> {
  const client = await oatie.client(app);
  story.track(client);
  const [row] = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  return { client, pid: row!.pid };
}

/** Waits until every pid has been idle (or idle in a transaction) for more than a second. */
async function idleForASecond(pids: number[]): Promise<void> {
  await eventually('the sessions to be idle for a second', async () => {
    const rows = await oatie.sql(
      `SELECT 1 FROM pg_stat_activity WHERE pid = ANY($1::int[]) AND state LIKE 'idle%'
          AND state_change < now() - interval '1 second'`,
      [pids],
    );
    return rows.length === pids.length ? true : undefined;
  });
}

beforeAll(async () => {
  const policy = await policyWith((yaml) => yaml.replace('minTerminateAge: 5m', 'minTerminateAge: 1s'));
  story = await startFixStory({ oatie: 'terminateidle', policy });
  ({ oatie, bot } = story);
});

afterAll(() => story.close());

describe('db terminate-idle', () => {
  it('ends the sessions still idle, leaves a running query and a session that woke up', async () => {
    const leaked = await idleClient('billing-export');
    const inTransaction = await idleClient('auth-service');
    await inTransaction.client.query('BEGIN');
    await inTransaction.client.query('SELECT count(*) FROM users');
    const wakes = await idleClient('report-service');
    const running = await story.sleeper('report-worker');
    await idleForASecond([leaked.pid, inTransaction.pid, wakes.pid]);

    // The catalog's floor is a minute; the flow is the same with one second.
    await requestFix(bot.app.services, {
      fix: dbTerminateIdle,
      args: { olderThan: 1000 },
      caller: 'alice',
      channel: 'ops',
    });
    const card = bot.lastCard();
    const shown = bot.cardText(card);
    expect(shown).toContain('Terminate 3 session(s) idle for more than 1 second.');
    expect(shown).toMatch(
      new RegExp(`${leaked.pid}\\s+postgres\\s+billing-export\\s+127\\.0\\.0\\.1\\s+idle\\s`),
    );
    expect(shown).toMatch(
      new RegExp(`${inTransaction.pid}\\s+postgres\\s+auth-service\\s+\\S+\\s+idle in transaction\\s`),
    );
    expect(shown).toContain('ending such a session rolls its transaction back and releases its locks');
    expect(shown).not.toMatch(new RegExp(`^${running.pid}\\s`, 'm'));
    for (const own of await bot.targets.postgres!.ownPids())
      expect(shown).not.toMatch(new RegExp(`^${own}\\s`, 'm'));

    await wakes.client.query('SELECT 2 AS awake');
    await bot.press(card.approve, 'bob');
    const after = bot.cardText(card);
    expect(after).toContain('✅ Fix done: db terminate-idle');
    expect(after).toContain('2 of 3 idle session(s) terminated.');
    expect(after).toContain(`terminated: ${leaked.pid}, ${inTransaction.pid}`);
    expect(after).toContain(`left alone): ${wakes.pid}`);
    await story.ended(leaked.pid);
    await story.ended(inTransaction.pid);
    expect(await story.alive(wakes.pid)).toBe(true);
    expect(await story.alive(running.pid)).toBe(true);
    await oatie.sql('SELECT pg_cancel_backend($1)', [running.pid]);
  });

  it('refuses when nothing is idle that long, and a threshold under the policy minimum', async () => {
    expect(await bot.refused('db terminate-idle --older-than 2d')).toContain(
      'No session has been idle for more than 2 days',
    );
    const strict = await policyWith((yaml) => yaml.replace('minTerminateAge: 5m', 'minTerminateAge: 1h'));
    const saved = bot.app.services.policy;
    Object.assign(bot.app.services, { policy: strict });
    try {
      expect(await bot.refused('db terminate-idle --older-than 10m')).toContain(
        '--older-than must be at least 1 hour (policy fixes.minTerminateAge).',
      );
    } finally {
      Object.assign(bot.app.services, { policy: saved });
    }
  });
});
