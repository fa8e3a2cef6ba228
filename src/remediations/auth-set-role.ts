// `auth set-role <email> <role>`: change a user's role (one of policy auth.roles) with a bound-parameter
// UPDATE — only while the user still has the role the plan saw — then delete their cached
// permissions so the change takes effect at once.
import { z } from 'zod';
import { badArgument, conflict, describeError, isOpsError } from '../core/errors.js';
import { oatieUser, permissionsKey, shownKey, userByEmail, userById } from './oatie-users.js';
import { defineFix } from './remediation.js';
import { postgresOf, redisOf } from '../targets/require-target.js';
import { rowsOf } from './sql-rows.js';

// Conditional on the planned role: a change made after the re-check (and before this row lock) wins.
const UPDATE_SQL = 'UPDATE users SET role = $1 WHERE id = $2 AND role = $3 RETURNING id::text AS id';

const roleData = z.object({ user: oatieUser, role: z.string() });

export const authSetRole = defineFix({
  command: 'auth set-role',
  risk: 'high',
  data: roleData,
  async plan({ args, services }) {
    const roles = services.policy.auth.roles;
    if (!roles.includes(args.role))
      throw badArgument(
        `${args.role} is not a role of the platform; the roles are ${roles.join(', ')} (policy auth.roles).`,
      );
    const target = postgresOf(services);
    const cache = redisOf(services);
    const user = await userByEmail(target, args.email);
    if (user.role === args.role) throw conflict(`${user.email} already has the role ${args.role}.`);
    return {
      summary: `Change the role of ${user.email} from ${user.role} to ${args.role}, then clear their permission cache.`,
      statement: `${UPDATE_SQL}\n  -- $1 = '${args.role}', $2 = '${user.id}' (${user.email}), $3 = '${user.role}'\nDEL ${shownKey(cache, permissionsKey(user.id))}`,
      target: `${target.description} and Redis ${cache.description}`,
      facts: [{ label: 'User', value: `${user.email} (${user.id}), role ${user.role} now` }],
      data: { user, role: args.role },
    };
  },
  async recheck(plan, { services }) {
    const { user } = plan.data;
    const now = await userById(postgresOf(services), user.id);
    if (!now) return { ok: false, reason: `the user ${user.email} no longer exists.` };
    if (now.email !== user.email) return { ok: false, reason: `the user's email changed to ${now.email}.` };
    if (now.role !== user.role)
      return { ok: false, reason: `${user.email}'s role changed to ${now.role} since the request.` };
    return { ok: true };
  },
  async execute(plan, { services }) {
    const { user, role } = plan.data;
    const updated = await rowsOf(
      postgresOf(services),
      UPDATE_SQL,
      [role, user.id, user.role],
      z.object({ id: z.string() }),
    );
    const step1 = `UPDATE users: ${updated.length} row(s) updated`;
    if (updated.length === 0)
      return {
        ok: false,
        summary: `${user.email}'s role changed meanwhile, nothing done: it is no longer ${user.role}. The permission cache was left alone.`,
        output: step1,
      };
    try {
      const cache = redisOf(services);
      const deleted = await cache.del(permissionsKey(user.id));
      const step2 = `DEL ${shownKey(cache, permissionsKey(user.id))}: ${deleted === 1 ? '1 key deleted' : 'no cached permissions (0 keys)'}`;
      return {
        ok: true,
        summary: `${user.email} now has the role ${role}; their permission cache is cleared.`,
        output: `${step1}\n${step2}`,
      };
    } catch (error) {
      const why = isOpsError(error) ? error.message : describeError(error);
      return {
        ok: false,
        summary: `Half done: ${user.email} now has the role ${role} (${updated.length} row updated), but clearing the permission cache failed: ${why} Run \`auth clear-cache ${user.email}\`.`,
        output: step1,
      };
    }
  },
});
