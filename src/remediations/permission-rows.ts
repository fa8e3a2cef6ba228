// What `auth grant` and `auth revoke` share: a user's permission rows in user_permissions, the
// permissions the platform knows, and the step both end with (and `auth set-role` too): deleting
// the user's cached permissions so the change takes effect at the next request.
import { z } from 'zod';
import { badArgument, describeError, isOpsError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { redisOf } from '../targets/require-target.js';
import type { SqlTarget } from '../targets/targets.js';
import { oatieUser, permissionsKey, shownKey, userById, type OatieUser } from './oatie-users.js';
import type { Recheck } from './remediation.js';
import { rowsOf } from './sql-rows.js';

export const permissionData = z.object({ user: oatieUser, permission: z.string() });
export type PermissionData = z.infer<typeof permissionData>;

/** Whether the user holds a permission row now. */
export async function hasPermission(target: SqlTarget, userId: string, permission: string): Promise<boolean> {
  const rows = await rowsOf(
    target,
    'SELECT 1 AS one FROM user_permissions WHERE user_id = $1::uuid AND permission = $2',
    [userId, permission],
    z.object({ one: z.number() }),
  );
  return rows.length > 0;
}

/** Refuses a permission no user holds: a typo would add a row the platform never reads. */
export async function requireKnownPermission(target: SqlTarget, permission: string): Promise<void> {
  const known = await rowsOf(
    target,
    'SELECT DISTINCT permission FROM user_permissions ORDER BY permission LIMIT 50',
    [],
    z.object({ permission: z.string() }),
  );
  const names = known.map((k) => k.permission);
  if (!names.includes(permission)) {
    throw badArgument(
      `No user holds ${permission}: it is not a permission of the platform. Known permissions: ${names.join(', ') || 'none'}.`,
    );
  }
}

/** The plan's user is still the same user and `holds` still describes whether they have the row. */
export async function recheckPermission(
  target: SqlTarget,
  { user, permission }: PermissionData,
  holds: boolean,
): Promise<Recheck> {
  const now = await userById(target, user.id);
  if (!now) return { ok: false, reason: `the user ${user.email} no longer exists.` };
  if (now.email !== user.email) return { ok: false, reason: `the user's email changed to ${now.email}.` };
  if ((await hasPermission(target, user.id, permission)) !== holds) {
    return {
      ok: false,
      reason: `${user.email} ${holds ? 'no longer has' : 'has had'} ${permission} since the request${holds ? '' : ' (someone granted it)'}.`,
    };
  }
  return { ok: true };
}

/** `DEL <prefix>permissions:<uuid>` as the card shows it. */
export const cacheStatement = (services: Services, userId: string): string =>
  `DEL ${shownKey(redisOf(services), permissionsKey(userId))}`;

/** Deletes the user's cached permissions: the output line, or why it failed. */
export async function clearUserCache(
  services: Services,
  user: OatieUser,
): Promise<{ ok: true; line: string } | { ok: false; reason: string }> {
  try {
    const cache = redisOf(services);
    const deleted = await cache.del(permissionsKey(user.id));
    const key = shownKey(cache, permissionsKey(user.id));
    return {
      ok: true,
      line: `DEL ${key}: ${deleted === 1 ? '1 key deleted' : 'no cached permissions (0 keys)'}`,
    };
  } catch (error) {
    return { ok: false, reason: isOpsError(error) ? error.message : describeError(error) };
  }
}
