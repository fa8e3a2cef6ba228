// `oncall`: who holds each role of the policy now, how (person, rotation, override, PagerDuty
// schedule), and when and to whom it hands off next, in the role's time zone. A PagerDuty schedule
// that could not be read is said, with who stands in.
import { defineCommand, toChannel } from '../commands/handler.js';
import type { Person } from '../config/policy.js';
import { formatDateTime } from '../core/time-zone.js';
import type { Services } from '../core/services.js';
import { templateMessage } from './incident-messages.js';
import { resolveRoles, type RoleHolder } from './role-holders.js';
import { platformUserId } from './severity-policy.js';

function who(services: Services, person: Person | undefined): { id?: string; name?: string } {
  if (!person) return {};
  return { id: platformUserId(person, services.chat.name), name: person.name };
}

function roleLine(services: Services, holder: RoleHolder) {
  const zone = holder.zone ?? services.config.OATIE_TIMEZONE;
  const holderWho = who(services, holder.person);
  const nextWho = who(services, holder.next?.person);
  return {
    role: holder.role,
    whoId: holderWho.id,
    whoName: holderWho.name,
    fromRotation: holder.source === 'rotation',
    fromOverride: holder.source === 'override',
    fromPagerDuty: holder.source === 'pagerduty',
    handOffAt: holder.next ? formatDateTime(holder.next.at, zone) : undefined,
    nextId: nextWho.id,
    nextName: nextWho.name,
    fallback: holder.fallback,
  };
}

export const oncall = defineCommand('oncall', async ({ services }) => {
  const now = services.now();
  const holders = await resolveRoles(services, now);
  const roles = [...holders.values()].map((h) => roleLine(services, h));
  return toChannel(templateMessage(services, 'oncall', { now, roles }));
});
