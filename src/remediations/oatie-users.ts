// Users of the Oatie platform, found by email or id in its users table; their permission cache key.
import { z } from 'zod';
import { badArgument, notFound } from '../core/errors.js';
import type { SqlTarget } from '../targets/targets.js';
import { rowsOf } from './sql-rows.js';

export const oatieUser = z.object({ id: z.string(), email: z.string(), role: z.string() });
export type OatieUser = z.infer<typeof oatieUser>;

/** The Redis key of a user's cached permissions (OATIE_REDIS_PREFIX is added by the Redis target). */
export const permissionsKey = (userId: string): string => `permissions:${userId}`;

/** The key as Redis really holds it (with OATIE_REDIS_PREFIX), for what people read. */
export const shownKey = (cache: { keyPrefix: string }, key: string): string => `${cache.keyPrefix}${key}`;

/** The user with this email (already lower-cased by the grammar), compared case-insensitively. */
export async function userByEmail(target: SqlTarget, email: string): Promise<OatieUser> {
  const rows = await rowsOf(
    target,
    'SELECT id::text AS id, email, role FROM users WHERE lower(email) = $1 LIMIT 2',
    [email],
    oatieUser,
  );
  const [user] = rows;
  if (!user) throw notFound(`No user has the email ${email} in ${target.description}.`);
  if (rows.length > 1)
    throw badArgument(`Several users have the email ${email} (differing in case); fix the data first.`);
  return user;
}

/** The user with this id now, if any. */
export async function userById(target: SqlTarget, id: string): Promise<OatieUser | undefined> {
  const [user] = await rowsOf(
    target,
    'SELECT id::text AS id, email, role FROM users WHERE id = $1::uuid',
    [id],
    oatieUser,
  );
  return user;
}
