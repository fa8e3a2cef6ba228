// `auth grant <email> <permission>`: add the permission row the user lacks (the fix `auth user`
// offers when the 403 is what the data says), then delete their cached permissions so the next
// request reads it. Only a permission some user already holds; only while the user still lacks it.
import { z } from 'zod';
import { conflict } from '../core/errors.js';
import { userByEmail } from './oatie-users.js';
import {
  cacheStatement,
  clearUserCache,
  hasPermission,
  permissionData,
  recheckPermission,
  requireKnownPermission,
} from './permission-rows.js';
import { defineFix } from './remediation.js';
import { postgresOf, redisOf } from '../targets/require-target.js';
import { rowsOf } from './sql-rows.js';

// Inserts nothing when the row appeared meanwhile (with or without a unique constraint on it).
const INSERT_SQL = `INSERT INTO user_permissions (user_id, permission)
SELECT $1::uuid, $2 WHERE NOT EXISTS
  (SELECT 1 FROM user_permissions WHERE user_id = $1::uuid AND permission = $2)
RETURNING permission`;

export const authGrant = defineFix({
  command: 'auth grant',
  risk: 'high',
  data: permissionData,
  async plan({ args, services }) {
    const target = postgresOf(services);
    const cache = redisOf(services);
    const user = await userByEmail(target, args.email);
    if (await hasPermission(target, user.id, args.permission))
      throw conflict(`${user.email} already has ${args.permission}.`);
    await requireKnownPermission(target, args.permission);
    return {
      summary: `Grant ${args.permission} to ${user.email} (${user.role}), then clear their permission cache.`,
      statement: `${INSERT_SQL}\n  -- $1 = '${user.id}' (${user.email}), $2 = '${args.permission}'\n${cacheStatement(services, user.id)}`,
      target: `${target.description} and Redis ${cache.description}`,
      facts: [{ label: 'User', value: `${user.email} (${user.id}), role ${user.role}` }],
      data: { user, permission: args.permission },
    };
  },
  recheck: (plan, { services }) => recheckPermission(postgresOf(services), plan.data, false),
  async execute(plan, { services }) {
    const { user, permission } = plan.data;
    const inserted = await rowsOf(
      postgresOf(services),
      INSERT_SQL,
      [user.id, permission],
      z.object({ permission: z.string() }),
    );
    const step1 = `INSERT INTO user_permissions: ${inserted.length} row(s) inserted${inserted.length === 0 ? ' (the row appeared meanwhile)' : ''}`;
    const cleared = await clearUserCache(services, user);
    if (!cleared.ok)
      return {
        ok: false,
        summary: `Half done: ${user.email} has ${permission} in the database, but clearing the permission cache failed: ${cleared.reason} Run \`auth clear-cache ${user.email}\`.`,
        output: step1,
      };
    return {
      ok: true,
      summary: `${user.email} now has ${permission}; their permission cache is cleared.`,
      output: `${step1}\n${cleared.line}`,
    };
  },
});
