// `db terminate` refuses at plan time, with a reason and nothing stored or posted, every pid that is
// not a live client backend of the Oatie database: system processes, the bot itself, other databases.
import pg from 'pg';
import type { Db } from '../../src/store/db.js';
import { ADMIN_URL } from '../support/databases.js';
import {
  repliesText,
  startFixHarness,
  startFixStory,
  type FixHarness,
  type FixStory,
} from '../support/fix-harness.js';
import { eventually, startQuery, type OatieDatabase } from '../support/oatie-database.js';
import { APPLICATION_NAME } from '../../src/targets/postgres.js';

let story: FixStory;
let oatie: OatieDatabase;
let db: Db;
let bot: FixHarness;

beforeAll(async () => {
  story = await startFixStory({ oatie: 'terminate' });
  ({ oatie, db, bot } = story);
});

afterAll(() => story.close());

/** Refused at plan time: nothing posted, nothing stored. */
async function refused(text: string): Promise<string> {
  const answer = await bot.refused(text);
  expect(await bot.approvals()).toEqual([]);
  return answer;
}

describe('db terminate refuses what it must never kill', () => {
  it('a Postgres system process such as the checkpointer', async () => {
    const [row] = await oatie.sql<{ pid: number }>(
      "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
    );
    expect(await refused(`db terminate ${row?.pid}`)).toContain(
      `pid ${row?.pid} is the checkpointer, a Postgres system process; only client backends can be terminated.`,
    );
  });

  it('the bot’s own connection', async () => {
    await bot.targets.postgres?.query('SELECT 1');
    const [own] = (await bot.targets.postgres?.ownPids()) ?? [];
    expect(own).toBeDefined();
    expect(await refused(`db terminate ${own}`)).toContain(`pid ${own} is one of the bot's own connections`);
  });

  it('a backend of another database on the same server', async () => {
    const other = new pg.Client({ connectionString: ADMIN_URL, application_name: 'elsewhere' });
    await other.connect();
    story.track(other);
    const [row] = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
    expect(await refused(`db terminate ${row?.pid}`)).toContain(
      'is connected to another database (postgres)',
    );
  });

  it('a connection of another replica of the bot, known by its pid through the shared store', async () => {
    const replicaStore = await story.openStore();
    const replica = await startFixHarness({ db: replicaStore, env: story.env });
    try {
      // Its warm connection opens in the background, on a loaded machine after the replica started.
      const pid = await eventually(
        'the replica to open its warm connection',
        async () => ((await replica.targets.postgres?.ownPids()) ?? [])[0],
      );
      // The other replica records its warm connection in the store as soon as it is open.
      await eventually('the replica to record its connection', async () =>
        (await bot.app.services.targets.postgres?.ownPids())?.includes(pid) ? true : undefined,
      );
      expect(await refused(`db terminate ${pid}`)).toContain(
        `pid ${pid} is one of the bot's own connections (this replica's or another replica's)`,
      );
    } finally {
      await replica.close();
      await replicaStore.close();
    }
  });

  it('a stranger calling itself oatie-ops is not taken for the bot', async () => {
    const { pid } = await story.sleeper(APPLICATION_NAME);
    await bot.type(`db terminate ${pid}`, 'alice');
    const card = bot.lastCard();
    expect(bot.cardText(card)).toContain(`Terminate backend ${pid}`);
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain(`Backend ${pid} terminated.`);
    await story.ended(pid);
    await db.query('DELETE FROM approvals');
  });

  it('a pid no backend has, and text that is not a pid', async () => {
    expect(await refused('db terminate 2147483000')).toContain('No backend has pid 2147483000');
    expect(await refused("db terminate 12'; SELECT pg_terminate_backend(1)")).toContain(
      'expected a process id',
    );
    expect(await refused('db terminate -1')).toContain('expected a process id');
    expect(await refused('db terminate ١٢٣')).toContain('expected a process id');
  });

  it('a backend whose details the bot’s database user cannot see', async () => {
    const role = `oatie_test_viewer_${Math.random().toString(36).slice(2, 8)}`;
    await oatie.sql(`CREATE ROLE ${role} LOGIN`);
    const url = new URL(oatie.url);
    url.username = role;
    const limited = await startFixHarness({ db, env: { OATIE_DATABASE_URL: url.toString() } });
    try {
      const { pid } = await story.sleeper('someone-else');
      const answer = repliesText(await limited.type(`db terminate ${pid}`, 'alice'));
      expect(answer).toContain(`cannot see the details of pid ${pid} (grant it pg_read_all_stats)`);
      expect(await limited.approvals()).toEqual([]);
    } finally {
      await limited.close();
      await oatie.sql(`DROP ROLE ${role}`).catch(() => undefined);
    }
  });

  it('a backend that ended before approval is not signalled, and the card says so', async () => {
    const { pid } = await story.sleeper('short-lived');
    await bot.type(`db terminate ${pid}`, 'alice');
    const card = bot.lastCard();
    await oatie.sql('SELECT pg_terminate_backend($1, 2000)', [pid]);
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain(`Nothing ran: backend ${pid} has ended.`);
    await db.query('DELETE FROM approvals');
  });
});

describe('db terminate never shows a secret typed into the query', () => {
  it('masks a bearer token and a password literal on the card and in the stored plan', async () => {
    const query = `/* Authorization: Bearer abcdefghijklmnop */ SELECT pg_sleep(60) /* ALTER ROLE app PASSWORD 'hunter2-s3cret' */`;
    const { client, pid } = await startQuery(oatie, 'report-worker', query);
    story.track(client);
    await bot.type(`db terminate ${pid}`, 'alice');
    const shown = bot.cardText(bot.lastCard());
    expect(shown).toContain(`Terminate backend ${pid}`);
    expect(shown).toContain(
      '/* Authorization: Bearer [redacted] */ SELECT pg_sleep(60) /* ALTER ROLE app PASSWORD [redacted]',
    );
    const stored = await db.query<{ plan: string }>('SELECT plan::text AS plan FROM approvals');
    for (const text of [shown, ...stored.rows.map((r) => r.plan)]) {
      expect(text).not.toContain('abcdefghijklmnop');
      expect(text).not.toContain('hunter2');
    }
    await db.query('DELETE FROM approvals');
  });
});
