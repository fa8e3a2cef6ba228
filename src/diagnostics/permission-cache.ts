// What the permission cache (Redis key `permissions:<user-uuid>`) holds for a user, read without
// trusting its shape: the auth service has stored both a JSON list and a JSON object over time.
import { z } from 'zod';
import { formatDuration } from '../core/duration.js';
import { describeError, isOpsError } from '../core/errors.js';
import type { CacheTarget } from '../targets/targets.js';

import { permissionsKey, shownKey } from '../remediations/oatie-users.js';

/** The key as Redis holds it (with OATIE_REDIS_PREFIX), as people read it. */
export const permissionCacheKey = (cache: CacheTarget, userId: string): string =>
  shownKey(cache, permissionsKey(userId));

export type CacheState =
  | { kind: 'not-configured' }
  | { kind: 'unreachable'; reason: string }
  | { kind: 'absent'; key: string }
  | { kind: 'cached'; key: string; ttlSeconds: number; permissions?: string[]; role?: string };

const asList = z.array(z.string());
const asObject = z.object({ permissions: z.array(z.string()).optional(), role: z.string().optional() });

function parseCached(value: string): { permissions?: string[]; role?: string } {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return {};
  }
  const list = asList.safeParse(json);
  if (list.success) return { permissions: list.data };
  const object = asObject.safeParse(json);
  return object.success ? object.data : {};
}

export async function readPermissionCache(
  cache: CacheTarget | undefined,
  userId: string,
): Promise<CacheState> {
  if (!cache) return { kind: 'not-configured' };
  const key = permissionsKey(userId);
  try {
    const value = await cache.get(key);
    const shown = permissionCacheKey(cache, userId);
    if (value === null) return { kind: 'absent', key: shown };
    const ttlSeconds = await cache.ttl(key);
    return { kind: 'cached', key: shown, ttlSeconds, ...parseCached(value) };
  } catch (error) {
    return { kind: 'unreachable', reason: isOpsError(error) ? error.message : describeError(error) };
  }
}

/** "cached, expires in 12 minutes" / "cached without expiry". */
export function describeTtl(ttlSeconds: number): string {
  if (ttlSeconds === -1) return 'without expiry';
  if (ttlSeconds < 0) return 'about to expire';
  return `expires in ${formatDuration(ttlSeconds * 1000)}`;
}
