// Hostile or mistyped arguments get a usage error, and nothing reaches the database or Redis: the
// bot's database connection has never run a statement, and the Redis server saw no connection.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { createOatieDatabase, eventually, type OatieDatabase } from '../support/oatie-database.js';
import { blackhole, type TcpServer } from '../support/tcp.js';

const BAD_INPUT: Array<[string, string]> = [
  ['auth user not-an-email', '<email>: expected an email address such as user@example.com'],
  [`auth user maria@example.com' OR '1'='1`, '<email>: expected an email address'],
  [
    'auth user maria@example.com reports:create;DROP TABLE users',
    '<permission>: expected a permission such as reports:create',
  ],
  ['reports status 42', '<report-id>: expected a UUID'],
  ['reports status 1;DROP TABLE reports', '<report-id>: expected a UUID'],
  [`reports status 3f6c2a1e-8b4d-4e7a-9c1f-5d2e8a7b6c01' OR 1=1--`, '<report-id>: expected a UUID'],
  ['db long-running --older-than 5m;SELECT', '--older-than: expected a duration like 90s, 5m or 1h'],
  ['db long-running --older-than 99y', '--older-than: expected a duration like 90s, 5m or 1h'],
  ['db slow-queries --min-ms 1000)OR(1=1', '--min-ms: expected milliseconds as a whole number'],
  ['db connections; DROP TABLE users', '`db` has no subcommand `connections`'],
  ['db connections DROP TABLE users', '`db connections` takes no arguments'],
  ['db indexes pg_class', '`db indexes` takes no arguments'],
  ['db bloat --table users', '`db bloat` takes no arguments'],
];

let db: OatieDatabase;
let redis: TcpServer;
let bot: DiagnosticsHarness;

/** What the bot's own database connections have run so far (pg_stat_activity keeps the last statement). */
async function botStatements(): Promise<Array<{ pid: number; query: string; ran: boolean }>> {
  const pids = await bot.targets.postgres!.ownPids();
  return db.sql(
    'SELECT pid, query, query_start IS NOT NULL AS ran FROM pg_stat_activity WHERE pid = ANY ($1::int[])',
    [pids],
  );
}

beforeAll(async () => {
  db = await createOatieDatabase('badinput');
  redis = await blackhole();
  bot = await startDiagnostics({
    OATIE_DATABASE_URL: db.url,
    OATIE_REDIS_URL: `redis://127.0.0.1:${redis.port}`,
  });
  await eventually('the warm connection', async () =>
    (await bot.targets.postgres!.ownPids()).length === 1 ? true : undefined,
  );
});

afterAll(() => closeDiagnostics(bot, redis, db));

describe('bad input is refused before anything is sent', () => {
  test.each(BAD_INPUT)('%s', async (command, expected) => {
    const answer = await bot.run(command);
    expect(answer.to).toEqual(['caller']);
    expect(answer.text).toMatch(/^(⚠️|❓)/);
    expect(answer.text).toContain(expected);
    expect(answer.text).toContain('Usage:');
  });

  test('the database connection never ran a statement and Redis was never contacted', async () => {
    const statements = await botStatements();
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatchObject({ query: '', ran: false });
    expect(redis.accepted).toBe(0);
  });

  test('while a good command does reach them (the check above can see it)', async () => {
    await bot.run('auth user maria@example.com');
    const statements = await botStatements();
    expect(statements[0]).toMatchObject({ ran: true });
    expect(statements[0]!.query).toContain('FROM users u');
  });
});
