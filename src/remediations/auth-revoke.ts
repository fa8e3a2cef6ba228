// `auth revoke <email> <permission>`: delete a user's permission row, then their cached permissions
// so the next request no longer finds it. Only while the user still holds it.
import { z } from 'zod';
import { conflict } from '../core/errors.js';
import { userByEmail } from './oatie-users.js';
import {
  cacheStatement,
  clearUserCache,
  hasPermission,
  permissionData,
  recheckPermission,
} from './permission-rows.js';
import { defineFix } from './remediation.js';
import { postgresOf, redisOf } from '../targets/require-target.js';
import { rowsOf } from './sql-rows.js';

const DELETE_SQL =
  'DELETE FROM user_permissions WHERE user_id = $1::uuid AND permission = $2 RETURNING permission';

export const authRevoke = defineFix({
  command: 'auth revoke',
  risk: 'medium',
  data: permissionData,
  async plan({ args, services }) {
    const target = postgresOf(services);
    const cache = redisOf(services);
    const user = await userByEmail(target, args.email);
    if (!(await hasPermission(target, user.id, args.permission)))
      throw conflict(`${user.email} has no ${args.permission} permission row; nothing to revoke.`);
    return {
      summary: `Revoke ${args.permission} from ${user.email} (${user.role}), then clear their permission cache.`,
      statement: `${DELETE_SQL}\n  -- $1 = '${user.id}' (${user.email}), $2 = '${args.permission}'\n${cacheStatement(services, user.id)}`,
      target: `${target.description} and Redis ${cache.description}`,
      facts: [{ label: 'User', value: `${user.email} (${user.id}), role ${user.role}` }],
      data: { user, permission: args.permission },
    };
  },
  recheck: (plan, { services }) => recheckPermission(postgresOf(services), plan.data, true),
  async execute(plan, { services }) {
    const { user, permission } = plan.data;
    const deleted = await rowsOf(
      postgresOf(services),
      DELETE_SQL,
      [user.id, permission],
      z.object({ permission: z.string() }),
    );
    const step1 = `DELETE FROM user_permissions: ${deleted.length} row(s) deleted${deleted.length === 0 ? ' (the row went meanwhile)' : ''}`;
    const cleared = await clearUserCache(services, user);
    if (!cleared.ok)
      return {
        ok: false,
        summary: `Half done: ${user.email} no longer has ${permission} in the database, but clearing the permission cache failed: ${cleared.reason} Run \`auth clear-cache ${user.email}\`.`,
        output: step1,
      };
    return {
      ok: true,
      summary: `${user.email} no longer has ${permission}; their permission cache is cleared.`,
      output: `${step1}\n${cleared.line}`,
    };
  },
});
