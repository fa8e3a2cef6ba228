// `auth user <email> [permission]`: a user gets 403s. The engineer sees the user's role and
// organisation, whether the permission row exists, and whether the Redis permission cache agrees.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  withDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';
import { createOatieDatabase, type OatieDatabase } from '../support/oatie-database.js';
import { addOrganization, addUser } from '../support/oatie-fixtures.js';
import { REDIS_URL, TestRedis } from '../support/test-redis.js';

const redis = new TestRedis();
const { prefix } = redis;
let db: OatieDatabase;
let bot: DiagnosticsHarness;
let maria: string;
let james: string;

beforeAll(async () => {
  await redis.connect();
  db = await createOatieDatabase('authuser');
  const northwind = await addOrganization(db, 'Northwind Traders');
  const acme = await addOrganization(db, 'Acme Analytics');
  maria = await addUser(db, {
    email: 'maria.garcia@northwind.example',
    role: 'analyst',
    organizationId: northwind.id,
    permissions: ['reports:read', 'templates:read'],
  });
  james = await addUser(db, {
    email: 'james.chen@acme.example',
    role: 'report_manager',
    organizationId: acme.id,
    permissions: ['reports:read', 'reports:create'],
  });
  await addUser(db, {
    email: 'lena.novak@umbrella.example',
    role: 'reporting_lead',
    organizationId: acme.id,
  });
  bot = await startDiagnostics({
    OATIE_DATABASE_URL: db.url,
    OATIE_REDIS_URL: REDIS_URL,
    OATIE_REDIS_PREFIX: prefix,
  });
});

afterAll(() => closeDiagnostics(redis, bot, db));

describe('auth user', () => {
  test('no permission row: the 403 is what the data says', async () => {
    const answer = await bot.run('auth user Maria.Garcia@northwind.example reports:create');
    expect(answer.to).toEqual(['channel']);
    expect(answer.text).toContain(
      '🔴 maria.garcia@northwind.example (analyst) has no reports:create permission row',
    );
    expect(answer.text).toContain(
      'Grant it (`auth grant maria.garcia@northwind.example reports:create`, which also clears the permission cache); changing the role adds no permission row.',
    );
    expect(answer.text).toContain('Organisation: Northwind Traders');
    expect(answer.text).toContain(`User id: ${maria}`);
    expect(answer.text).toContain('Permissions: reports:read, templates:read');
    expect(answer.text).toContain(
      `Permission cache: ${prefix}permissions:${maria} is not cached (the next request reads the database)`,
    );
    expect(answer.buttons.map((b) => b.label)).toEqual(['Grant reports:create']);
    expect(await bot.payloadOf(answer.buttons[0]!)).toEqual({
      kind: 'fix.propose',
      payload: {
        command: 'auth grant',
        args: { email: 'maria.garcia@northwind.example', permission: 'reports:create' },
        why: 'auth user: maria.garcia@northwind.example has no reports:create permission row',
      },
    });
  });

  test('a stale cache: the database grants it, the cache does not; offers to clear the cache', async () => {
    await redis.raw.set(`${prefix}permissions:${james}`, JSON.stringify(['reports:read']), 'EX', 720);
    const answer = await bot.run('auth user james.chen@acme.example reports:create');
    expect(answer.text).toContain(
      '⚠️ james.chen@acme.example has reports:create in the database, but the permission cache does not list it: the cache is stale.',
    );
    expect(answer.text).toMatch(
      new RegExp(
        `Permission cache: ${prefix}permissions:${james} is cached, expires in 1[12] minutes?.*, 1 permission`,
      ),
    );
    expect(answer.buttons.map((b) => b.label)).toEqual(['Clear permission cache']);
    expect(await bot.payloadOf(answer.buttons[0]!)).toEqual({
      kind: 'fix.propose',
      payload: { command: 'auth clear-cache', args: { user: james }, why: expect.any(String) },
    });
  });

  test('the cache agrees: all good; a cached role that differs is called stale', async () => {
    await redis.raw.set(
      `${prefix}permissions:${james}`,
      JSON.stringify({ role: 'analyst', permissions: ['reports:read', 'reports:create'] }),
    );
    const answer = await bot.run('auth user james.chen@acme.example reports:create');
    expect(answer.text).toContain('✅ james.chen@acme.example (report_manager) has reports:create.');
    expect(answer.text).toContain(
      '⚠️ The cache still holds the role analyst, the database says report_manager: the cache is stale.',
    );
    expect(answer.text).toContain('is cached, without expiry, 2 permissions');
    expect(answer.text).not.toContain('k8s restart');
    expect(answer.buttons.map((b) => b.label)).toEqual(['Clear permission cache']);
  });

  test('data and cache agree yet the user is refused: points at restarting auth-service', async () => {
    await redis.raw.set(`${prefix}permissions:${james}`, JSON.stringify(['reports:read', 'reports:create']));
    const answer = await bot.run('auth user james.chen@acme.example reports:create');
    expect(answer.text).toContain(
      '✅ james.chen@acme.example (report_manager) has reports:create. The database and the permission cache agree: if auth-service still refuses, it holds stale permissions in memory (`k8s restart auth-service`).',
    );
    expect(answer.buttons.map((b) => b.label)).toEqual(['Restart auth-service']);
    expect(await bot.payloadOf(answer.buttons[0]!)).toMatchObject({
      payload: { command: 'k8s restart', args: { deployment: 'auth-service' } },
    });
    await redis.raw.del(`${prefix}permissions:${james}`);
  });

  test('without a permission: role and organisation; a role the platform does not know is flagged', async () => {
    const answer = await bot.run('auth user lena.novak@umbrella.example');
    expect(answer.text).toContain(
      'lena.novak@umbrella.example is reporting_lead in Acme Analytics with 0 permissions.',
    );
    expect(answer.text).toContain(
      '⚠️ The role reporting_lead is not one of the platform’s roles (viewer, analyst, report_manager, admin).',
    );
  });

  test('an unknown user', async () => {
    const answer = await bot.run('auth user nobody@example.com');
    expect(answer.text).toContain('There is no user nobody@example.com in the Oatie database');
  });

  test('Redis down: the database part still answers, the cache line says why', async () => {
    await withDiagnostics(
      {
        OATIE_DATABASE_URL: db.url,
        OATIE_REDIS_URL: 'redis://127.0.0.1:1',
        OATIE_TARGET_TIMEOUT_MS: '1000',
      },
      async (downRedis) => {
        const answer = await downRedis.run('auth user maria.garcia@northwind.example reports:create');
        expect(answer.text).toContain('has no reports:create permission row');
        expect(answer.text).toContain(
          'Permission cache: could not be read — The Oatie Redis at 127.0.0.1:1/0 refused the connection',
        );
      },
    );
  });

  test('Redis not configured: the cache line names the variable', () =>
    withDiagnostics({ OATIE_DATABASE_URL: db.url }, async (noRedis) => {
      const answer = await noRedis.run('auth user maria.garcia@northwind.example');
      expect(answer.text).toContain('Permission cache: not checked: set OATIE_REDIS_URL');
    }));
});
