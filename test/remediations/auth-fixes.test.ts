// `auth set-role` and `auth clear-cache` against a real Oatie database and a real Redis: the role is
// changed with a bound-parameter UPDATE and the user's cached permissions are really deleted.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { Reply } from '../../src/commands/handler.js';
import { repliesText, startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import { eventually, type OatieDatabase } from '../support/oatie-database.js';
import { REDIS_URL } from '../support/test-redis.js';

const PREFIX = `oatie-test-${randomBytes(4).toString('hex')}:`;
let redis: Redis;
let story: FixStory;
let oatie: OatieDatabase;
let bot: FixHarness;
let jane = '';
let omar = '';

const roleOf = async (email: string) =>
  (await oatie.sql<{ role: string }>('SELECT role FROM users WHERE email = $1', [email]))[0]?.role;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { keyPrefix: PREFIX, lazyConnect: true });
  await redis.connect();
  story = await startFixStory({
    oatie: 'auth',
    env: { OATIE_REDIS_URL: REDIS_URL, OATIE_REDIS_PREFIX: PREFIX },
  });
  ({ oatie, bot } = story);
  const rows = await oatie.sql<{ id: string; email: string }>(`
    WITH org AS (INSERT INTO organizations (name) VALUES ('Acme') RETURNING id)
    INSERT INTO users (email, name, role, organization_id)
    SELECT e, n, 'viewer', org.id FROM org, (VALUES ('jane@acme.com', 'Jane'), ('omar@acme.com', 'Omar')) AS v(e, n)
    RETURNING id::text, email`);
  jane = rows.find((r) => r.email === 'jane@acme.com')?.id ?? '';
  omar = rows.find((r) => r.email === 'omar@acme.com')?.id ?? '';
});

afterAll(async () => {
  await story.close();
  const keys = await redis.keys(`${PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys.map((k) => k.slice(PREFIX.length)));
  redis.disconnect();
});

describe('auth set-role', () => {
  it('updates the role and clears the real permission cache once a lead approves', async () => {
    await redis.set(`permissions:${jane}`, JSON.stringify(['reports:read']), 'EX', 600);
    await bot.type('auth set-role Jane@Acme.com report_manager', 'alice');
    const card = bot.lastCard();
    const shown = bot.cardText(card);
    expect(shown).toContain(
      'Change the role of jane@acme.com from viewer to report_manager, then clear their permission cache.',
    );
    expect(shown).toContain(
      'UPDATE users SET role = $1 WHERE id = $2 AND role = $3 RETURNING id::text AS id',
    );
    expect(shown).toContain(`-- $1 = 'report_manager', $2 = '${jane}' (jane@acme.com), $3 = 'viewer'`);
    expect(shown).toContain(`DEL ${PREFIX}permissions:${jane}`);
    expect(await roleOf('jane@acme.com')).toBe('viewer');
    expect(await redis.exists(`permissions:${jane}`)).toBe(1);

    const dave = await bot.press(card.approve, 'dave');
    expect(repliesText(dave.replies ?? [])).toContain('high-risk fixes are approved by group:leads');
    await bot.press(card.approve, 'bob');
    expect(await roleOf('jane@acme.com')).toBe('report_manager');
    expect(await redis.exists(`permissions:${jane}`)).toBe(0);
    const after = bot.cardText(card);
    expect(after).toContain(
      'jane@acme.com now has the role report_manager; their permission cache is cleared.',
    );
    expect(after).toContain('UPDATE users: 1 row(s) updated');
    expect(after).toContain(`DEL ${PREFIX}permissions:${jane}: 1 key deleted`);
  });

  it('refuses roles outside the policy, unknown users and a role already held', async () => {
    expect(await bot.refused('auth set-role jane@acme.com superuser')).toContain(
      'superuser is not a role of the platform; the roles are viewer, analyst, report_manager, admin',
    );
    expect(await bot.refused('auth set-role nobody@acme.com admin')).toContain(
      'No user has the email nobody@acme.com',
    );
    expect(await bot.refused('auth set-role jane@acme.com report_manager')).toContain(
      'jane@acme.com already has the role report_manager.',
    );
  });

  it('runs nothing when the role changed since the request', async () => {
    await bot.type('auth set-role omar@acme.com analyst', 'alice');
    const card = bot.lastCard();
    await oatie.sql("UPDATE users SET role = 'admin' WHERE email = 'omar@acme.com'");
    await bot.press(card.approve, 'carol');
    expect(bot.cardText(card)).toContain(
      "Nothing ran: omar@acme.com's role changed to admin since the request.",
    );
    expect(await roleOf('omar@acme.com')).toBe('admin');
  });

  it('updates nothing when the role changes between the re-check and the update', async () => {
    await redis.set(`permissions:${jane}`, '[]', 'EX', 600);
    await bot.type('auth set-role jane@acme.com analyst', 'alice');
    const card = bot.lastCard();
    // Someone else changes Jane's role; their transaction is still open when the fix re-checks.
    const other = await oatie.client('admin-console');
    story.track(other);
    await other.query('BEGIN');
    await other.query("UPDATE users SET role = 'admin' WHERE email = 'jane@acme.com'");
    const pressed = bot.press(card.approve, 'bob');
    await eventually('the fix to wait for the row lock', async () => {
      const rows = await oatie.sql(
        "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE users SET role%'",
      );
      return rows.length > 0 ? true : undefined;
    });
    await other.query('COMMIT');
    await pressed;
    expect(await roleOf('jane@acme.com')).toBe('admin');
    const after = bot.cardText(card);
    expect(after).toContain(
      "jane@acme.com's role changed meanwhile, nothing done: it is no longer report_manager. The permission cache was left alone.",
    );
    expect(after).toContain('UPDATE users: 0 row(s) updated');
    expect(await redis.exists(`permissions:${jane}`)).toBe(1);
    await redis.del(`permissions:${jane}`);
  });
});

describe('auth clear-cache', () => {
  it('deletes the cached permissions of a user named by email or by id', async () => {
    await redis.set(`permissions:${omar}`, '[]', 'EX', 600);
    await bot.type('auth clear-cache omar@acme.com', 'alice');
    const card = bot.lastCard();
    expect(bot.cardText(card)).toContain(`DEL ${PREFIX}permissions:${omar}`);
    // The same words as `auth user` for the same TTL.
    expect(bot.cardText(card)).toMatch(/Cache: cached, expires in (9|10) minutes/);
    await bot.press(card.approve, 'dave');
    expect(await redis.exists(`permissions:${omar}`)).toBe(0);
    expect(bot.cardText(card)).toContain(`The cached permissions of omar@acme.com (${omar}) were deleted.`);
    expect(bot.cardText(card)).toContain(`DEL ${PREFIX}permissions:${omar}: 1 key(s) deleted`);

    await bot.type(`auth clear-cache ${jane.toUpperCase()}`, 'alice');
    const second = bot.lastCard();
    expect(bot.cardText(second)).toContain('not cached now');
    await bot.press(second.approve, 'dave');
    expect(bot.cardText(second)).toContain(`${jane} had no cached permissions; nothing to delete.`);
  });
});

/** The buttons of the replies of a typed diagnostic. */
const buttonsOf = (replies: Reply[]) =>
  replies.flatMap((r) =>
    r.kind === 'message' ? r.message.blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons : [])) : [],
  );

const permissionsOf = async (email: string) =>
  (
    await oatie.sql<{ permission: string }>(
      'SELECT p.permission FROM user_permissions p JOIN users u ON u.id = p.user_id WHERE u.email = $1 ORDER BY 1',
      [email],
    )
  ).map((r) => r.permission);

describe('auth grant and auth revoke', () => {
  it('the 403 story: auth user offers the grant, it adds the row and clears the cache, the next check is green', async () => {
    await oatie.sql(
      "INSERT INTO user_permissions (user_id, permission) VALUES ($1, 'reports:create'), ($1, 'reports:read')",
      [omar],
    );
    await redis.set(`permissions:${jane}`, JSON.stringify(['reports:read']), 'EX', 600);
    const diagnosed = await bot.type('auth user jane@acme.com reports:create', 'alice');
    expect(repliesText(diagnosed)).toContain('has no reports:create permission row');
    expect(repliesText(diagnosed)).not.toContain('auth set-role');
    const [grant] = buttonsOf(diagnosed);
    expect(grant?.label).toBe('Grant reports:create');

    await bot.press(grant!.actionId, 'alice');
    const card = bot.lastCard();
    const shown = bot.cardText(card);
    expect(shown).toContain(
      'Grant reports:create to jane@acme.com (admin), then clear their permission cache.',
    );
    expect(shown).toContain('INSERT INTO user_permissions (user_id, permission)');
    expect(shown).toContain(`-- $1 = '${jane}' (jane@acme.com), $2 = 'reports:create'`);
    expect(shown).toContain(`DEL ${PREFIX}permissions:${jane}`);
    expect(shown).toContain('Risk: high');
    expect(await permissionsOf('jane@acme.com')).toEqual([]);

    await bot.press(card.approve, 'bob');
    const after = bot.cardText(card);
    expect(after).toContain('jane@acme.com now has reports:create; their permission cache is cleared.');
    expect(after).toContain('INSERT INTO user_permissions: 1 row(s) inserted');
    expect(after).toContain(`DEL ${PREFIX}permissions:${jane}: 1 key deleted`);
    expect(await permissionsOf('jane@acme.com')).toEqual(['reports:create']);
    expect(await redis.exists(`permissions:${jane}`)).toBe(0);

    const checked = repliesText(await bot.type('auth user jane@acme.com reports:create', 'alice'));
    expect(checked).toContain('✅ jane@acme.com (admin) has reports:create.');
  });

  it('refuses a permission nobody holds, one already granted, and a revoke of a row that is not there', async () => {
    expect(await bot.refused('auth grant jane@acme.com reports:destroy')).toContain(
      'No user holds reports:destroy: it is not a permission of the platform. Known permissions: reports:create, reports:read.',
    );
    expect(await bot.refused('auth grant jane@acme.com reports:create')).toContain(
      'jane@acme.com already has reports:create.',
    );
    expect(await bot.refused('auth revoke jane@acme.com reports:read')).toContain(
      'jane@acme.com has no reports:read permission row; nothing to revoke.',
    );
  });

  it('revokes the row and clears the cache; runs nothing if the row went since the request', async () => {
    await redis.set(`permissions:${jane}`, JSON.stringify(['reports:create']), 'EX', 600);
    await bot.type('auth revoke jane@acme.com reports:create', 'alice');
    const card = bot.lastCard();
    expect(bot.cardText(card)).toContain(
      'DELETE FROM user_permissions WHERE user_id = $1::uuid AND permission = $2',
    );
    await bot.press(card.approve, 'dave');
    expect(bot.cardText(card)).toContain(
      'jane@acme.com no longer has reports:create; their permission cache is cleared.',
    );
    expect(await permissionsOf('jane@acme.com')).toEqual([]);
    expect(await redis.exists(`permissions:${jane}`)).toBe(0);

    await bot.type('auth revoke omar@acme.com reports:read', 'alice');
    const second = bot.lastCard();
    await oatie.sql("DELETE FROM user_permissions WHERE user_id = $1 AND permission = 'reports:read'", [
      omar,
    ]);
    await bot.press(second.approve, 'dave');
    expect(bot.cardText(second)).toContain(
      'Nothing ran: omar@acme.com no longer has reports:read since the request.',
    );
  });
});
