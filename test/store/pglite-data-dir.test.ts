// A new embedded data directory is made without initdb in the bot's process: copied from the template
// `npm run build` prepares, or initialised by a short-lived child; either way it opens with its data.
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrations } from '../../src/app.js';
import { migrate } from '../../src/store/migrations.js';
import { buildTemplate, prepareDataDir } from '../../src/store/pglite-data-dir.js';
import { openPgliteDb } from '../../src/store/pglite-db.js';
import { PGLITE_TEMPLATE_ENV } from '../support/pglite-template.js';

describe('a new embedded data directory', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'oatie-datadir-'));
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is initialised by a child process when there is no template, then kept as it is', async () => {
    const dir = join(root, 'no-template');
    expect(await prepareDataDir(dir, join(root, 'missing-template'))).toBe('initdb');
    const db = await openPgliteDb(dir);
    await migrate(db, migrations);
    await db.query('CREATE TABLE kept (note text)');
    await db.query("INSERT INTO kept VALUES ('still here')");
    await db.close();

    expect(await prepareDataDir(dir, join(root, 'missing-template'))).toBe('existing');
    const again = await openPgliteDb(dir);
    expect((await again.query<{ note: string }>('SELECT note FROM kept')).rows).toEqual([
      { note: 'still here' },
    ]);
    await again.close();
  });

  it('is a copy of the built template, with every migration already applied', async () => {
    // The template this test run's stores copy, built by buildTemplate (test/global-setup.mjs), else one
    // built here.
    const template = process.env[PGLITE_TEMPLATE_ENV] ?? join(root, 'template');
    if (process.env[PGLITE_TEMPLATE_ENV] === undefined) await buildTemplate(migrations, template);
    const dir = join(root, 'from-template');
    expect(await prepareDataDir(dir, template)).toBe('template');
    const db = await openPgliteDb(dir);
    expect(await migrate(db, migrations)).toEqual([]);
    const applied = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(applied.rows.map((r) => r.name).sort()).toEqual(migrations.map((m) => m.name).sort());
    // The bot's database only: Postgres's template databases are not copied into every new directory.
    const databases = await db.query<{ datname: string }>('SELECT datname FROM pg_database');
    expect(databases.rows.map((r) => r.datname)).toEqual(['postgres']);
    await db.close();

    // A start killed while copying left its staging directory and no PG_VERSION: the next start
    // copies again, and nothing of the half copy is left.
    const interrupted = join(root, 'interrupted');
    await mkdir(join(interrupted, '.template-copy', 'base'), { recursive: true });
    await writeFile(join(interrupted, '.template-copy', 'base', 'half-written'), 'x');
    expect(await prepareDataDir(interrupted, template)).toBe('template');
    expect(await readdir(interrupted)).not.toContain('.template-copy');
    expect((await readdir(interrupted)).sort()).toEqual((await readdir(template)).sort());
    const reopened = await openPgliteDb(interrupted);
    expect(await migrate(reopened, migrations)).toEqual([]);
    await reopened.close();
  });
});
