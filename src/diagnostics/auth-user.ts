// `auth user <email> [permission]`: "Insufficient permissions" — the user's role and organisation,
// whether the permission row exists, and whether the permission cache in Redis agrees.
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { notFound } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { fixOffer, type OfferedFix } from './fix-button.js';
import { describeTtl, readPermissionCache, type CacheState } from './permission-cache.js';
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

/** The deployment that checks permissions (the guide restarts it after clearing the cache). */
const AUTH_SERVICE = 'auth-service';

/** What was found, as the findings and the offered fixes both read it. */
interface Facts {
  user: UserRow;
  granted: string[];
  permission: string | undefined;
  cache: CacheState;
  /** The cache lists permissions without the one asked, or holds another role. */
  staleCache: boolean;
}

function factsOf(user: UserRow, granted: string[], permission: string | undefined, cache: CacheState): Facts {
  const staleCache =
    cache.kind === 'cached' &&
    ((permission !== undefined &&
      granted.includes(permission) &&
      cache.permissions !== undefined &&
      !cache.permissions.includes(permission)) ||
      (cache.role !== undefined && cache.role !== user.role));
  return { user, granted, permission, cache, staleCache };
}

/** The cache was read and agrees with the database (or holds nothing for the user). */
const cacheAgrees = (f: Facts): boolean =>
  (f.cache.kind === 'absent' || f.cache.kind === 'cached') && !f.staleCache;

function permissionFinding(f: Facts): Finding {
  const { user, granted, permission, cache } = f;
  if (permission === undefined) {
    return {
      level: 'info',
      text: `${user.email} is ${user.role} in ${user.organization ?? 'no organisation'} with ${plural(granted.length, 'permission', 'permissions')}.`,
    };
  }
  if (!granted.includes(permission)) {
    return {
      level: 'bad',
      text: `${user.email} (${user.role}) has no ${permission} permission row: the 403 is what the data says. Grant it (\`auth grant ${user.email} ${permission}\`, which also clears the permission cache); changing the role adds no permission row.`,
    };
  }
  if (cache.kind === 'cached' && cache.permissions !== undefined && !cache.permissions.includes(permission)) {
    return {
      level: 'warn',
      text: `${user.email} has ${permission} in the database, but the permission cache does not list it: the cache is stale. Clearing it makes the next request read the database.`,
    };
  }
  const restart = cacheAgrees(f)
    ? ` The database and the permission cache agree: if ${AUTH_SERVICE} still refuses, it holds stale permissions in memory (\`k8s restart ${AUTH_SERVICE}\`).`
    : '';
  return { level: 'ok', text: `${user.email} (${user.role}) has ${permission}.${restart}` };
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

/** The fix that resolves what was found: grant the missing row, clear a stale cache, or restart the
 * auth service when data and cache agree (only if the policy lets fixes touch it). */
function offeredFixes(services: Services, f: Facts): OfferedFix[] {
  const { user, permission } = f;
  if (permission !== undefined && !f.granted.includes(permission)) {
    return [
      {
        label: `Grant ${permission}`,
        proposal: {
          command: 'auth grant',
          args: { email: user.email, permission },
          why: `auth user: ${user.email} has no ${permission} permission row`,
        },
      },
    ];
  }
  if (f.staleCache) {
    return [
      {
        label: 'Clear permission cache',
        proposal: {
          command: 'auth clear-cache',
          args: { user: user.id },
          why: 'auth user: the permission cache does not match the database',
        },
      },
    ];
  }
  const restartable = services.policy.kubernetes.deployments.some((d) => d.name === AUTH_SERVICE);
  if (permission === undefined || !cacheAgrees(f) || !restartable) return [];
  return [
    {
      label: `Restart ${AUTH_SERVICE}`,
      proposal: {
        command: 'k8s restart',
        args: { deployment: AUTH_SERVICE },
        why: `auth user: ${user.email} has ${permission} in the database and the cache agrees, yet is refused`,
      },
      style: 'danger',
    },
  ];
}

function cacheLine(cache: CacheState): string {
  switch (cache.kind) {
    case 'not-configured':
      return 'not checked: set OATIE_REDIS_URL';
    case 'unreachable':
      return `could not be read — ${cache.reason}`;
    case 'absent':
      return `${cache.key} is not cached (the next request reads the database)`;
    case 'cached': {
      const listed =
        cache.permissions === undefined
          ? ''
          : `, ${plural(cache.permissions.length, 'permission', 'permissions')}`;
      return `${cache.key} is cached, ${describeTtl(cache.ttlSeconds)}${listed}`;
    }
  }
}

export const authUser = defineCommand('auth user', async ({ args, services }) => {
  const target = postgresOf(services);
  const [user] = await target.query<UserRow>(USER_SQL, [args.email]);
  if (!user) throw notFound(`There is no user ${args.email} in the Oatie database at ${target.description}.`);
  const granted = (await target.query<{ permission: string }>(PERMISSIONS_SQL, [user.id])).map(
    (r) => r.permission,
  );
  const cache = await readPermissionCache(services.targets.redis, user.id);

  const facts = factsOf(user, granted, args.permission, cache);
  const main = permissionFinding(facts);
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
      { label: 'Permission cache', value: cacheLine(cache) },
    ],
  });
  const fixes = offeredFixes(services, facts);
  blocks.push(...(await fixOffer(services, fixes, 'The fix needs the approval of someone else.')));
  return diagnosis(`User ${user.email}`, verdict(main.level, main.text), blocks);
});
