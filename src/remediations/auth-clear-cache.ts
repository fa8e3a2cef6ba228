// `auth clear-cache <email|uuid>`: delete a user's cached permissions in Redis (permissions:<uuid>),
// so the next request reloads them from the database.
import { z } from 'zod';
import { permissionsKey, userByEmail } from './oatie-users.js';
import { defineFix } from './remediation.js';
import { postgresOf, redisOf } from '../targets/require-target.js';

const cacheData = z.object({ userId: z.string(), label: z.string() });

const describeTtl = (ttl: number): string =>
  ttl === -2
    ? 'not cached now (nothing to delete yet)'
    : ttl === -1
      ? 'cached, without expiry'
      : `cached, expires in ${ttl} s`;

export const authClearCache = defineFix({
  command: 'auth clear-cache',
  risk: 'low',
  data: cacheData,
  async plan({ args, services }) {
    const cache = redisOf(services);
    const user =
      args.user.kind === 'email' ? await userByEmail(postgresOf(services), args.user.value) : undefined;
    const userId = user?.id ?? args.user.value;
    const label = user ? `${user.email} (${user.id})` : userId;
    const ttl = await cache.ttl(permissionsKey(userId));
    return {
      summary: `Clear the cached permissions of ${label}.`,
      statement: `DEL ${permissionsKey(userId)}`,
      target: `Redis ${cache.description}`,
      facts: [{ label: 'Cache', value: describeTtl(ttl) }],
      data: { userId, label },
    };
  },
  // Deleting a cache key is the same act whatever happened since: nothing to compare.
  recheck: () => Promise.resolve({ ok: true }),
  async execute(plan, { services }) {
    const key = permissionsKey(plan.data.userId);
    const deleted = await redisOf(services).del(key);
    return {
      ok: true,
      summary:
        deleted === 1
          ? `The cached permissions of ${plan.data.label} were deleted.`
          : `${plan.data.label} had no cached permissions; nothing to delete.`,
      output: `DEL ${key}: ${deleted} key(s) deleted`,
    };
  },
});
