// Item 7 of issue 17 as a real try: a shadow table in a `$user` schema (the bot connects as postgres,
// so a schema named postgres comes first in the default search_path) and a mixed-case table beside its
// lower-case twin. Typed names, buttons and the auth commands reach exactly the platform's tables.
import { repliesText, startFixStory, type FixStory } from '../support/fix-harness.js';

let story: FixStory;

beforeAll(async () => {
  story = await startFixStory({ oatie: 'relnames' });
  await story.oatie.sql(`
    CREATE TABLE "Audit" (id int);
    CREATE TABLE audit (id int);
    CREATE SCHEMA postgres;
    CREATE TABLE postgres.report_executions (id int);
    CREATE TABLE postgres.users (id uuid, email text, name text, role text, organization_id uuid, last_login_at timestamptz);
    INSERT INTO organizations (name) VALUES ('Acme');
    INSERT INTO public.users (email, name, role, organization_id)
      SELECT 'ann@acme.test', 'Ann', 'analyst', id FROM public.organizations WHERE name = 'Acme';
    INSERT INTO postgres.users (id, email, name, role)
      VALUES (gen_random_uuid(), 'ann@acme.test', 'Shadow Ann', 'admin');`);
});

afterAll(() => story.close());

/** The statement the card shows for a typed fix. */
async function planned(text: string): Promise<string> {
  await story.bot.type(text, 'alice');
  return story.bot.cardText(story.bot.lastCard());
}

describe('names reach exactly the relation meant', () => {
  it('an unqualified name is the platform schema’s table, never the $user schema’s shadow', async () => {
    // What the server's default search_path ("$user", public) picks: the shadow is real.
    const [first] = await story.oatie.sql<{ r: string }>(
      "SELECT n.nspname AS r FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass('report_executions')",
    );
    expect(first?.r).toBe('postgres');
    const card = await planned('db vacuum report_executions');
    expect(card).toContain('VACUUM (ANALYZE) public.report_executions');
    expect(card).not.toContain('postgres.report_executions');
    expect(await planned('db vacuum postgres.report_executions')).toContain(
      'VACUUM (ANALYZE) postgres.report_executions',
    );
  });

  it('a mixed-case name is that table; the lower-case name is the other one; a wrong case is refused', async () => {
    expect(await planned('db vacuum Audit')).toContain('VACUUM (ANALYZE) public."Audit"');
    expect(await planned('db vacuum audit')).toContain('VACUUM (ANALYZE) public.audit');
    // As a button carries it: qualified, quoted by the database.
    expect(await planned('db vacuum public."Audit"')).toContain('VACUUM (ANALYZE) public."Audit"');
    const refused = await story.bot.refused('db vacuum Report_Executions');
    expect(refused).toContain('There is no table public."Report_Executions"');
    expect(refused).toContain('did you mean public.report_executions');
    const events = await story.bot.fixEvents();
    expect(events.at(-1)).toMatchObject({ event: 'fix.refused', outcome: 'NOT_FOUND' });
  });

  it('the auth commands read the platform schema’s users, never the shadow', async () => {
    const answer = repliesText(await story.bot.type('auth user ann@acme.test', 'alice'));
    expect(answer).toContain('analyst');
    expect(answer).not.toContain('Shadow Ann');
  });
});
