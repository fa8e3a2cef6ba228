// Item 9 of issue 17 as a real try: another session acts in the instant between the fix's re-check
// and its statement — a rename-swap of the approved index or table, an INVALID index of the name the
// bot is about to build. The statement runs on the name the approved oid has on its own session (in
// the same transaction as the check where Postgres allows one), and a failed build's clean-up drops
// only the index the bot built.
import { repliesText, startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import { interposer } from '../support/interposed-postgres.js';
import type { OatieDatabase } from '../support/oatie-database.js';

let story: FixStory;
let oatie: OatieDatabase;
let bot: FixHarness;
const between = interposer();

/** The oid of a relation by its qualified name, or null. */
const oidOf = async (name: string): Promise<string | null> => {
  const [row] = await oatie.sql<{ oid: string | null }>('SELECT to_regclass($1)::oid::text AS oid', [name]);
  return row?.oid ?? null;
};

/** Types a fix as alice, approves it as `approver`; returns the card as it ends. */
async function approved(text: string, approver: string): Promise<string> {
  expect(repliesText(await bot.type(text, 'alice'))).toBe('');
  const card = bot.lastCard();
  await bot.press(card.approve, approver);
  return bot.cardText(card);
}

/** What another session does in the window: `name` becomes `<name>_old`, and `other` takes `name`. */
const swap = (kind: 'INDEX' | 'TABLE', name: string, other: string) => async (): Promise<void> => {
  await oatie.sql(`ALTER ${kind} ${name} RENAME TO ${name}_old; ALTER ${kind} ${other} RENAME TO ${name};`);
};

async function lastFixEvent() {
  return (await bot.fixEvents()).at(-1);
}

beforeAll(async () => {
  story = await startFixStory({ oatie: 'swap', postgres: between.wrap });
  ({ oatie, bot } = story);
  await oatie.sql(`
    INSERT INTO organizations (name) VALUES ('Acme');
    INSERT INTO users (email, name, organization_id)
      SELECT 'user' || g || '@acme.test', 'User ' || g, id FROM organizations, generate_series(1, 3) g;
    CREATE TABLE ledger (id int, amount int);
    CREATE TABLE ledger_draft (id int, amount int);
    INSERT INTO ledger_draft SELECT g, g FROM generate_series(1, 200) g;`);
});

afterAll(() => story.close());

describe('a rename-swap between the re-check and the run', () => {
  it('db drop-index: the index that took the approved one’s name survives; nothing ran', async () => {
    await oatie.sql(`CREATE INDEX idx_audit_logs_user ON audit_logs (user_id);
                     CREATE INDEX idx_audit_logs_time ON audit_logs ("timestamp");`);
    const approvedOid = await oidOf('public.idx_audit_logs_user');
    const otherOid = await oidOf('public.idx_audit_logs_time');
    between.atSessionStart(swap('INDEX', 'idx_audit_logs_user', 'idx_audit_logs_time'));
    const card = await approved('db drop-index idx_audit_logs_user', 'carol');
    expect(card).toContain(
      'Nothing ran: public.idx_audit_logs_user has been renamed to public.idx_audit_logs_user_old.',
    );
    expect(await oidOf('public.idx_audit_logs_user')).toBe(otherOid);
    expect(await oidOf('public.idx_audit_logs_user_old')).toBe(approvedOid);
    expect(await lastFixEvent()).toMatchObject({
      event: 'fix.failed',
      outcome: 'changed',
      detail: { reason: 'public.idx_audit_logs_user has been renamed to public.idx_audit_logs_user_old.' },
    });
  });

  it('db drop-index: a swap in the one round trip left open is told, not passed over', async () => {
    // DROP INDEX CONCURRENTLY cannot run in a transaction: between the session's catalog read and the
    // statement's lock nothing can hold the name. The check afterwards finds the approved oid alive.
    await oatie.sql(`CREATE INDEX idx_users_login ON users (last_login_at);
                     CREATE INDEX idx_users_created ON users (created_at);`);
    const approvedOid = await oidOf('public.idx_users_login');
    between.before('DROP INDEX CONCURRENTLY', swap('INDEX', 'idx_users_login', 'idx_users_created'));
    const card = await approved('db drop-index idx_users_login', 'carol');
    expect(card).toContain('❌ Fix failed: db drop-index');
    expect(card).toContain('DROP INDEX CONCURRENTLY IF EXISTS public.idx_users_login ran in');
    expect(card).toContain(
      'but the approved index is still there as public.idx_users_login_old: it was renamed while the drop started',
    );
    expect(await oidOf('public.idx_users_login_old')).toBe(approvedOid);
    expect(await lastFixEvent()).toMatchObject({ event: 'fix.failed', outcome: 'failed' });
  });

  it('db analyze: a swap before the statement is rolled back with it, in the same transaction', async () => {
    const otherOid = await oidOf('public.ledger_draft');
    between.before('ANALYZE', swap('TABLE', 'ledger', 'ledger_draft'));
    const card = await approved('db analyze ledger', 'bob');
    expect(card).toContain(
      'Nothing ran: public.ledger has been renamed to public.ledger_old. The statement reached another relation of that name; it was rolled back.',
    );
    // ANALYZE reached the other table, and its statistics went with the rollback.
    const stats = await oatie.sql('SELECT 1 FROM pg_statistic WHERE starelid = $1::oid', [otherOid]);
    expect(stats).toEqual([]);
    expect(await lastFixEvent()).toMatchObject({ event: 'fix.failed', outcome: 'changed' });
    await oatie.sql('ALTER TABLE ledger RENAME TO ledger_draft; ALTER TABLE ledger_old RENAME TO ledger;');
  });

  it('db vacuum: the table renamed away after the re-check is not vacuumed under its old name', async () => {
    between.atSessionStart(swap('TABLE', 'ledger', 'ledger_draft'));
    const card = await approved('db vacuum ledger', 'bob');
    expect(card).toContain('Nothing ran: public.ledger has been renamed to public.ledger_old.');
    const [draft] = await oatie.sql<{ vacuumed: boolean }>(
      "SELECT last_vacuum IS NOT NULL AS vacuumed FROM pg_stat_user_tables WHERE relname = 'ledger'",
    );
    expect(draft).toEqual({ vacuumed: false });
    expect(await lastFixEvent()).toMatchObject({ event: 'fix.failed', outcome: 'changed' });
  });
});

describe('db create-index cleans up only what it built', () => {
  it('leaves alone an INVALID index of the same name made by someone else just before the build', async () => {
    // A unique build over duplicate values fails and leaves its INVALID index behind.
    const invalidByOthers = async (): Promise<void> => {
      await oatie
        .sql('CREATE UNIQUE INDEX CONCURRENTLY idx_users_role ON users (role)')
        .catch(() => undefined);
    };
    between.before('CREATE INDEX CONCURRENTLY', invalidByOthers);
    const card = await approved('db create-index users role', 'bob');
    expect(card).toContain('❌ Fix failed: db create-index');
    expect(card).toContain('42P07');
    expect(card).toContain(
      'It left no index behind. public.idx_users_role (INVALID), which this build did not make, was left as it is.',
    );
    const [left] = await oatie.sql<{ valid: boolean }>(
      "SELECT i.indisvalid AS valid FROM pg_index i WHERE i.indexrelid = 'public.idx_users_role'::regclass",
    );
    expect(left).toEqual({ valid: false });
    expect(await lastFixEvent()).toMatchObject({ event: 'fix.failed', outcome: 'failed' });
  });

  it('drops its own INVALID build, by its oid', async () => {
    // A name beyond the btree row limit (2704 bytes) fails the build after the index exists.
    await oatie.sql(`UPDATE users SET name = (SELECT string_agg(md5(g::text), '') FROM generate_series(1, 1000) g)
                      WHERE email = 'user1@acme.test'`);
    const card = await approved('db create-index users name', 'bob');
    expect(card).toContain('It left the INVALID index public.idx_users_name, which was dropped.');
    expect(await oidOf('public.idx_users_name')).toBeNull();
    const event = await lastFixEvent();
    expect(event).toMatchObject({ event: 'fix.failed', outcome: 'failed' });
    expect(String(event?.detail?.result)).toContain('which was dropped');
  });
});
