// `auth clear-cache <email|uuid>`: delete a user's cached permissions in Redis (permissions:<uuid>),
// so the next request reloads them from the database.
import { z } from 'zod';
import { describeTtl as ttlWords } from '../diagnostics/permission-cache.js';
import { permissionsKey, shownKey, userByEmail } from './oatie-users.js';
import { defineFix } from './remediation.js';
import { postgresOf, redisOf } from '../targets/require-target.js';

const cacheData = z.object({ userId: z.string(), label: z.string() });

// The same words as `auth user` uses for the same TTL.
const describeTtl = (ttl: number): string =>
  ttl === -2 ? 'not cached now (nothing to delete yet)' : `cached, ${ttlWords(ttl)}`;

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
      statement: `DEL ${shownKey(cache, permissionsKey(userId))}`,
      target: `Redis ${cache.description}`,
      facts: [{ label: 'Cache', value: describeTtl(ttl) }],
      data: { userId, label },
    };
  },
  // Deleting a cache key is the same act whatever happened since: nothing to compare.
  recheck: () => Promise.resolve({ ok: true }),
  async execute(plan, { services }) {
    const key = permissionsKey(plan.data.userId);
    const cache = redisOf(services);
    const deleted = await cache.del(key);
    return {
      ok: true,
      summary:
        deleted === 1
          ? `The cached permissions of ${plan.data.label} were deleted.`
          : `${plan.data.label} had no cached permissions; nothing to delete.`,
      output: `DEL ${shownKey(cache, key)}: ${deleted} key(s) deleted`,
    };
  },
});
