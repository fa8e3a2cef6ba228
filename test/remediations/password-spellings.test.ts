// Item 5 of issue 17 as a real try: an `ALTER ROLE … PASSWORD` in every spelling Postgres accepts,
// each blocked behind a transaction that holds the role's row, is shown by `db long-running`,
// `db blocking` and the `db terminate` approval card — never with its password, not in the channel,
// not in the stored plan, not in the audit log.
import type pg from 'pg';
import { repliesText, startFixStory, type FixStory } from '../support/fix-harness.js';
import { eventually, startQuery } from '../support/oatie-database.js';

const role = `oatie_test_pw_${Math.random().toString(36).slice(2, 8)}`;
// Each spelling carries its own secret, so a leak says which spelling leaked.
const secret = (n: number): string => `Zq7pw${n}secret`;
const SPELLINGS: readonly string[] = [
  `ALTER ROLE ${role} PASSWORD '${secret(0)}'`,
  `ALTER ROLE ${role} PASSWORD'${secret(1)}'`,
  `ALTER ROLE ${role} ENCRYPTED PASSWORD E'${secret(2)}'`,
  `ALTER ROLE ${role} PASSWORD U&'${secret(3)}'`,
  `ALTER ROLE ${role} PASSWORD/**/'${secret(4)}'`,
  `ALTER ROLE ${role} PASSWORD -- a comment\n'${secret(5)}'`,
  `ALTER ROLE ${role} PASSWORD $$${secret(6)}$$`,
  `ALTER ROLE ${role} PASSWORD $pw$${secret(7)}$pw$`,
  `alter role ${role} password /* outer /* nested */ still comment */ e'${secret(8)}'`,
  `ALTER ROLE ${role} WITH PaSsWoRd\n\t'${secret(9)}' VALID UNTIL 'infinity'`,
];

let story: FixStory;

/** How many of the blocked statements wait for a lock now. */
async function lockWaits(): Promise<number | undefined> {
  const [row] = await story.oatie.sql<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ANY($1) AND wait_event_type = 'Lock'`,
    [blocked.map((b) => b.pid)],
  );
  return row?.n;
}
let holder: pg.Client;
const blocked: Array<{ pid: number; client: pg.Client; done: Promise<unknown> }> = [];

beforeAll(async () => {
  story = await startFixStory({ oatie: 'pwspell' });
  await story.oatie.sql(`CREATE ROLE ${role}`);
  // The role's row stays locked until ROLLBACK: every ALTER ROLE below waits, visible in pg_stat_activity.
  holder = await story.oatie.client('role-admin');
  story.track(holder);
  await holder.query('BEGIN');
  await holder.query(`ALTER ROLE ${role} CONNECTION LIMIT 5`);
  for (const sql of SPELLINGS) {
    const running = await startQuery(story.oatie, 'password-rotator', sql);
    story.track(running.client);
    blocked.push(running);
  }
  // A statement is active a moment before it waits for the lock: the tests start once all of them wait.
  await eventually('every ALTER ROLE waiting for the lock', async () =>
    (await lockWaits()) === SPELLINGS.length ? true : undefined,
  );
}, 30_000);

afterAll(async () => {
  await holder.query('ROLLBACK').catch(() => undefined);
  await Promise.all(blocked.map((b) => b.done));
  await story.oatie.sql(`DROP ROLE IF EXISTS ${role}`).catch(() => undefined);
  await story.close();
});

/** Every text the bot has shown or stored so far: chat calls, approval plans, the audit log. */
async function everythingShownAndStored(): Promise<string> {
  const calls = JSON.stringify(story.bot.chat.calls);
  const plans = await story.db.query<{ t: string }>('SELECT plan::text AS t FROM approvals');
  const audit = await story.db.query<{ t: string }>('SELECT row_to_json(a)::text AS t FROM audit_log a');
  return [calls, ...plans.rows.map((r) => r.t), ...audit.rows.map((r) => r.t)].join('\n');
}

const expectNoSecret = (text: string): void => {
  SPELLINGS.forEach((_, n) => expect(text).not.toContain(secret(n)));
  // Not even a part of one (a secret cut by shortening still leaks its start).
  expect(text).not.toContain('Zq7pw');
};

describe('a password typed in any spelling Postgres accepts is never shown', () => {
  it('each spelling really is a password change waiting for the lock', async () => {
    expect(await lockWaits()).toBe(SPELLINGS.length);
  });

  it('db long-running shows the statements, masked from the password on', async () => {
    const answer = await eventually('the statements to run for a second', async () => {
      const text = repliesText(await story.bot.type('db long-running --older-than 1s'));
      return blocked.every((b) => text.includes(String(b.pid))) ? text : undefined;
    });
    expect(answer).toContain(`ALTER ROLE ${role} PASSWORD [redacted]`);
    expectNoSecret(answer);
  });

  it('db blocking shows who waits for whom, masked', async () => {
    const answer = repliesText(await story.bot.type('db blocking'));
    expect(answer).toContain(String(blocked[0]?.pid));
    expectNoSecret(answer);
  });

  it('the db terminate card of each, posted and stored, is masked', async () => {
    for (const b of blocked) {
      await story.bot.type(`db terminate ${b.pid}`, 'alice');
      expect(story.bot.cardText(story.bot.lastCard())).toMatch(/password \[redacted\]/i);
    }
    expect(await story.bot.approvals()).toHaveLength(SPELLINGS.length);
    expectNoSecret(await everythingShownAndStored());
  });
});
