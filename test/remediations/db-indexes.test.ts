// Index and table maintenance fixes on a real Oatie database: CREATE INDEX CONCURRENTLY and the
// clean-up of the INVALID index a failed build leaves, DROP INDEX of what enforces nothing, REINDEX,
// VACUUM and ANALYZE — each resolved in the catalog and checked again before it runs.
import { indexName } from '../../src/remediations/db-create-index.js';
import { repliesText, startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import type { OatieDatabase } from '../support/oatie-database.js';

let story: FixStory;
let oatie: OatieDatabase;
let bot: FixHarness;

const indexes = async (table: string) =>
  oatie.sql<{ name: string; valid: boolean }>(
    'SELECT c.relname AS name, i.indisvalid AS valid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = $1::regclass ORDER BY 1',
    [table],
  );

/** Types a fix as alice and approves it as `approver`; returns the card as it ends. */
async function approved(text: string, approver = 'bob'): Promise<string> {
  const replies = await bot.type(text, 'alice');
  expect(repliesText(replies)).toBe('');
  const card = bot.lastCard();
  await bot.press(card.approve, approver);
  return bot.cardText(card);
}

beforeAll(async () => {
  story = await startFixStory({ oatie: 'indexes' });
  ({ oatie, bot } = story);
  await oatie.sql(`
    INSERT INTO organizations (name) VALUES ('Acme');
    INSERT INTO templates (organization_id, name) SELECT id, 'monthly' FROM organizations;
    INSERT INTO reports (organization_id, template_id, name, status)
      SELECT o.id, t.id, 'report ' || g, (ARRAY['pending','processing','completed','failed'])[1 + g % 4]
        FROM organizations o, templates t, generate_series(1, 500) g;
    CREATE VIEW report_summary AS SELECT status, count(*) FROM reports GROUP BY status;
  `);
});

afterAll(() => story.close());

describe('db create-index', () => {
  it('builds the index concurrently on a real table once approved', async () => {
    await bot.type('db create-index reports organization_id,status', 'alice');
    const card = bot.lastCard();
    expect(bot.cardText(card)).toContain(
      'CREATE INDEX CONCURRENTLY idx_reports_organization_id_status ON public.reports (organization_id, status)',
    );
    expect((await indexes('reports')).map((i) => i.name)).not.toContain('idx_reports_organization_id_status');
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toMatch(
      /Index public\.idx_reports_organization_id_status created \(valid\) in \d+ ms\./,
    );
    expect(await indexes('reports')).toContainEqual({
      name: 'idx_reports_organization_id_status',
      valid: true,
    });
  });

  it('refuses an index that exists, a column or table that does not', async () => {
    expect(await bot.refused('db create-index reports organization_id,status')).toContain(
      'public.idx_reports_organization_id_status already exists.',
    );
    expect(await bot.refused('db create-index reports organization_id,colour')).toContain(
      'public.reports has no column colour.',
    );
    expect(await bot.refused('db create-index invoices id')).toContain('There is no table public.invoices');
    expect(await bot.refused('db create-index report_summary status')).toContain(
      'public.report_summary is a view, not a table.',
    );
  });

  it('drops the INVALID index a failed concurrent build leaves, and says exactly that', async () => {
    // A name far beyond the btree row limit (2704 bytes) makes the build fail after the index exists.
    await oatie.sql(`UPDATE reports SET name = (SELECT string_agg(md5(random()::text || g), '') FROM generate_series(1, 1000) g)
                      WHERE id = (SELECT id FROM reports LIMIT 1)`);
    const text = await approved('db create-index reports name');
    expect(text).toContain('❌ Fix failed: db create-index');
    expect(text).toMatch(
      /CREATE INDEX CONCURRENTLY failed: .+ \(SQLSTATE 54000\): program_limit_exceeded, e\.g\. an index row larger than the btree maximum\. It left the INVALID index public\.idx_reports_name, which was dropped\./,
    );
    expect(text).toContain('DROP INDEX CONCURRENTLY IF EXISTS public.idx_reports_name');
    expect((await indexes('reports')).map((i) => i.name)).not.toContain('idx_reports_name');
    expect((await bot.fixEvents()).at(-1)).toMatchObject({ event: 'fix.failed', outcome: 'failed' });
  });

  it('runs nothing when the index appeared between the plan and the approval', async () => {
    await bot.type('db create-index users name,email', 'alice');
    const card = bot.lastCard();
    await oatie.sql('CREATE INDEX idx_users_name_email ON users (name, email)');
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain('Nothing ran: public.idx_users_name_email exists now.');
  });

  it('names the index idx_<table>_<columns>, cut to the 63 bytes Postgres keeps', async () => {
    const name = indexName('report_executions', [
      'report_id',
      'started_at',
      'status',
      'finished_at',
      'error',
    ]);
    expect(name).toBe('idx_report_executions_report_id_started_at_status_finished_at_e');
    expect(Buffer.byteLength(name)).toBe(63);
    await bot.type(
      'db create-index report_executions report_id,started_at,status,finished_at,error',
      'alice',
    );
    expect(bot.cardText(bot.lastCard())).toContain(
      `CREATE INDEX CONCURRENTLY ${name} ON public.report_executions`,
    );
  });
});

describe('db drop-index', () => {
  it('refuses indexes that enforce something, and things that are not indexes', async () => {
    expect(await bot.refused('db drop-index users_pkey')).toContain(
      'public.users_pkey cannot be dropped from chat: it is the primary key.',
    );
    expect(await bot.refused('db drop-index users_email_key')).toContain(
      'it backs the constraint users_email_key',
    );
    expect(await bot.refused('db drop-index users')).toContain('public.users is a table, not an index.');
    expect(await bot.refused('db drop-index pg_catalog.pg_class_oid_index')).toContain(
      'is in the system schema pg_catalog',
    );
  });

  it('drops an unused index once a lead approves; others of the team cannot approve a high-risk fix', async () => {
    await bot.type('db drop-index idx_audit_logs_action', 'alice');
    const card = bot.lastCard();
    expect(bot.cardText(card)).toContain('DROP INDEX CONCURRENTLY IF EXISTS public.idx_audit_logs_action');
    expect(bot.cardText(card)).toContain(
      'Definition: CREATE INDEX idx_audit_logs_action ON public.audit_logs USING btree (action)',
    );
    const dave = await bot.press(card.approve, 'dave');
    expect(repliesText(dave.replies ?? [])).toContain('high-risk fixes are approved by group:leads');
    await bot.press(card.approve, 'carol');
    expect(bot.cardText(card)).toContain('Index public.idx_audit_logs_action dropped');
    expect((await indexes('audit_logs')).map((i) => i.name)).toEqual(['audit_logs_pkey']);
  });
});

describe('table maintenance', () => {
  it('vacuums, analyzes and reindexes a table with the statement the database wrote', async () => {
    expect(await approved('db vacuum reports')).toMatch(
      /VACUUM \(ANALYZE\) public\.reports finished in \d+ ms\./,
    );
    expect(await approved('db analyze public.reports')).toMatch(/ANALYZE public\.reports finished in/);
    expect(await approved('db reindex reports')).toMatch(
      /REINDEX TABLE CONCURRENTLY public\.reports finished in/,
    );
    const [stats] = await oatie.sql<{ vacuumed: boolean; analyzed: boolean }>(
      "SELECT last_vacuum IS NOT NULL AS vacuumed, last_analyze IS NOT NULL AS analyzed FROM pg_stat_user_tables WHERE relname = 'reports'",
    );
    expect(stats).toEqual({ vacuumed: true, analyzed: true });
  });

  it('refuses views, system catalogs and unknown tables', async () => {
    expect(await bot.refused('db vacuum report_summary')).toContain(
      'public.report_summary is a view, not a table.',
    );
    expect(await bot.refused('db vacuum pg_catalog.pg_class')).toContain(
      'pg_catalog.pg_class is in the system schema pg_catalog',
    );
    expect(await bot.refused('db analyze information_schema.tables')).toContain(
      'is in the system schema information_schema',
    );
    expect(await bot.refused('db reindex nosuch')).toContain('There is no table public.nosuch');
  });

  it('runs nothing on a table renamed since the plan', async () => {
    await bot.type('db vacuum templates', 'alice');
    const card = bot.lastCard();
    await oatie.sql('ALTER TABLE templates RENAME TO templates_old');
    await bot.press(card.approve, 'bob');
    expect(bot.cardText(card)).toContain(
      'Nothing ran: public.templates has been renamed to public.templates_old.',
    );
    await oatie.sql('ALTER TABLE templates_old RENAME TO templates');
  });
});
