// `triage db-pool` on the demo data with the pool exhausted: the card is posted at once with every
// row running, then settles in place showing the exhausted pool, the long-running and idle-in-
// transaction sessions and the terminate button, which proposes the fix through the approval flow.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { sampleDataSql } from '../../src/demo/sample-data.js';
import { ADMIN_URL } from '../support/databases.js';
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
import { consoleText } from '../support/recording-platform.js';
import { policyWith } from '../support/test-app.js';

let db: OatieDatabase;
let bot: DiagnosticsHarness;
let sleeper: RunningQuery;
const role = `oatie_triage_${randomBytes(4).toString('hex')}`;
const clients: pg.Client[] = [];

async function admin(sql: string, params: unknown[] = []): Promise<Array<Record<string, unknown>>> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as Array<Record<string, unknown>>;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  db = await createOatieDatabase('triagepool');
  await db.sql(sampleDataSql);
  // Superusers ignore CONNECTION LIMIT: the bot and the applications log in as an ordinary role.
  await admin(`CREATE ROLE ${role} LOGIN IN ROLE pg_monitor`);
  await db.sql(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${role}`);
  const url = new URL(db.url);
  url.username = role;
  const policy = await policyWith((yaml) =>
    yaml.replace('longRunning: 5m', 'longRunning: 1s').replace('idleFor: 10m', 'idleFor: 1s'),
  );
  bot = await startDiagnostics({ OATIE_DATABASE_URL: url.toString() }, { policy });
  await eventually('the warm connection', async () =>
    (await bot.targets.postgres!.ownPids()).length === 1 ? true : undefined,
  );
  sleeper = await startQuery(db, 'report-service', 'SELECT pg_sleep(60) /* monthly sales rollup */', role);
  const inTransaction = await db.client('auth-service', role);
  await inTransaction.query('BEGIN');
  await inTransaction.query('SELECT count(*) FROM users');
  clients.push(inTransaction, sleeper.client);
  for (let i = 0; i < 3; i += 1) clients.push(await db.client('report-service', role));
  const [{ used }] = (await admin(
    `SELECT count(*)::int AS used FROM pg_stat_activity WHERE datname = $1 AND backend_type = 'client backend'`,
    [db.name],
  )) as [{ used: number }];
  await admin(`ALTER DATABASE ${db.name} CONNECTION LIMIT ${used}`);
  // The long-running threshold of this policy is one second.
  await new Promise((resolve) => setTimeout(resolve, 1200));
});

afterAll(async () => {
  await admin(`ALTER DATABASE ${db.name} CONNECTION LIMIT -1`);
  await db.sql('SELECT pg_cancel_backend($1)', [sleeper.pid]);
  await sleeper.done;
  await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
  await closeDiagnostics(bot, db);
  await admin(`DROP ROLE IF EXISTS ${role}`);
});

describe('triage db-pool', () => {
  test('shows the exhausted pool, the long-running and idle-in-transaction sessions and the terminate button', async () => {
    const answer = await bot.run('triage db-pool');
    expect(answer.replies).toEqual([]);
    const cards = bot.cards('ops');
    // Posted at once with every row running, then edited in place.
    expect(cards[0]?.op).toBe('post');
    const first = consoleText(cards[0]!.message);
    expect(first).toContain('Triage: Connection Pool Exhaustion');
    expect(first).toContain('⏳ running… — Connections vs max_connections');
    const last = cards[cards.length - 1]!;
    expect(last.op).toBe('update');
    const text = consoleText(last.message);
    expect(text).toMatch(
      new RegExp(
        `🔴 failing — Connections vs max_connections: No free connection slots for database ${db.name}`,
      ),
    );
    expect(text).toMatch(
      /⚠️ warning — Long-running queries: 2 queries have been running for more than 1 second/,
    );
    expect(text).toContain(`pid ${sleeper.pid}, report-service, active`);
    // The idle sessions (and the one idle in a transaction) are in the connections row.
    expect(text).toMatch(/Connections vs max_connections: .*\d+ sessions have been idle/);
    expect(text).toMatch(/Likely causes:\n1\. The pool is exhausted/);
    expect(text).toContain('2. Long-running queries hold connections: kill them (solution 2)');
    expect(text).toContain(
      'Full answers: `db connections --idle-for 1s`, `db long-running --older-than 1s`, `db blocking`',
    );

    const buttons = last.message.blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons : []));
    expect(buttons.map((b) => b.label)).toContain(`Terminate pid ${sleeper.pid}`);
    const terminate = buttons.find((b) => b.label === `Terminate pid ${sleeper.pid}`)!;
    expect(await bot.payloadOf(terminate)).toEqual({
      kind: 'fix.propose',
      payload: expect.objectContaining({ command: 'db terminate', args: { pid: String(sleeper.pid) } }),
    });
    // Pressing it asks for approval; nothing is terminated yet.
    const outcome = await bot.app.router.handleAction({
      actionId: terminate.actionId,
      caller: 'alice',
      channel: 'ops',
    });
    expect(JSON.stringify(outcome)).not.toContain('INTERNAL');
    const stillThere = await db.sql('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [sleeper.pid]);
    expect(stillThere).toHaveLength(1);
  });
});
