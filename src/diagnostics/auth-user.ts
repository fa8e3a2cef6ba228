// `auth user <email> [permission]`: "Insufficient permissions" — the user's role and organisation,
// whether the permission row exists, and whether the permission cache in Redis agrees.
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { notFound } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { fixButton } from './fix-button.js';
import { describeTtl, permissionCacheKey, readPermissionCache, type CacheState } from './permission-cache.js';
import { postgresOf } from '../targets/require-target.js';
import { agoOrNever } from './relative-time.js';
import { diagnosis, plural, verdict, type Finding } from './verdict.js';

interface UserRow {
  id: string;
  email: string;
  name: string;
  role: string;
  organization: string | null;
  last_login_at: Date | null;
}

const USER_SQL = `
SELECT u.id::text AS id, u.email, u.name, u.role, o.name AS organization, u.last_login_at
FROM users u
LEFT JOIN organizations o ON o.id = u.organization_id
WHERE lower(u.email) = $1`;

const PERMISSIONS_SQL = `SELECT permission FROM user_permissions WHERE user_id = $1 ORDER BY permission`;

function permissionFinding(
  user: UserRow,
  granted: string[],
  permission: string | undefined,
  cache: CacheState,
): Finding {
  if (permission === undefined) {
    return {
      level: 'info',
      text: `${user.email} is ${user.role} in ${user.organization ?? 'no organisation'} with ${plural(granted.length, 'permission', 'permissions')}.`,
    };
  }
  if (!granted.includes(permission)) {
    return {
      level: 'bad',
      text: `${user.email} (${user.role}) has no ${permission} permission row: the 403 is what the data says. Grant the permission or change the role (\`auth set-role ${user.email} <role>\`).`,
    };
  }
  if (cache.kind === 'cached' && cache.permissions !== undefined && !cache.permissions.includes(permission)) {
    return {
      level: 'warn',
      text: `${user.email} has ${permission} in the database, but the permission cache does not list it: the cache is stale. Clearing it makes the next request read the database.`,
    };
  }
  return { level: 'ok', text: `${user.email} (${user.role}) has ${permission}.` };
}

function roleFinding(user: UserRow, cache: CacheState, roles: readonly string[]): Finding | undefined {
  if (!roles.includes(user.role)) {
    return {
      level: 'warn',
      text: `The role ${user.role} is not one of the platform’s roles (${roles.join(', ')}).`,
    };
  }
  if (cache.kind === 'cached' && cache.role !== undefined && cache.role !== user.role) {
    return {
      level: 'warn',
      text: `The cache still holds the role ${cache.role}, the database says ${user.role}: the cache is stale.`,
    };
  }
  return undefined;
}

function cacheLine(cache: CacheState, userId: string): string {
  switch (cache.kind) {
    case 'not-configured':
      return 'not checked: set OATIE_REDIS_URL';
    case 'unreachable':
      return `could not be read — ${cache.reason}`;
    case 'absent':
      return `${permissionCacheKey(userId)} is not cached (the next request reads the database)`;
    case 'cached': {
      const listed =
        cache.permissions === undefined
          ? ''
          : `, ${plural(cache.permissions.length, 'permission', 'permissions')}`;
      return `${permissionCacheKey(userId)} is cached, ${describeTtl(cache.ttlSeconds)}${listed}`;
    }
  }
}

async function clearCacheOffer(services: Services, cache: CacheState, userId: string): Promise<Block[]> {
  if (cache.kind !== 'cached') return [];
  const button = await fixButton(services, 'Clear permission cache', {
    command: 'auth clear-cache',
    args: { user: userId },
    why: 'auth user: the permission cache may not match the database',
  });
  return [{ kind: 'actions', buttons: [button] }];
}

export const authUser = defineCommand('auth user', async ({ args, services }) => {
  const target = postgresOf(services);
  const [user] = await target.query<UserRow>(USER_SQL, [args.email]);
  if (!user) throw notFound(`There is no user ${args.email} in the Oatie database at ${target.description}.`);
  const granted = (await target.query<{ permission: string }>(PERMISSIONS_SQL, [user.id])).map(
    (r) => r.permission,
  );
  const cache = await readPermissionCache(services.targets.redis, user.id);

  const main = permissionFinding(user, granted, args.permission, cache);
  const role = roleFinding(user, cache, services.policy.auth.roles);
  const blocks: Block[] = role ? [{ kind: 'section', text: verdict(role.level, role.text) }] : [];
  blocks.push({
    kind: 'fields',
    fields: [
      { label: 'Name', value: user.name },
      { label: 'Role', value: user.role },
      { label: 'Organisation', value: user.organization ?? '—' },
      { label: 'User id', value: user.id },
      { label: 'Last login', value: agoOrNever(user.last_login_at, services.now()) },
      { label: 'Permissions', value: granted.length > 0 ? granted.slice(0, 20).join(', ') : 'none' },
      { label: 'Permission cache', value: cacheLine(cache, user.id) },
    ],
  });
  blocks.push(...(await clearCacheOffer(services, cache, user.id)));
  return diagnosis(`User ${user.email}`, verdict(main.level, main.text), blocks);
});
