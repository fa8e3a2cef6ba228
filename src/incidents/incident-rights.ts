// The incident rights of the policy's `incidents:` section (publishing on the status page, raising to
// P0), checked inside the flows so that every path — typed command, button, form, console `as` — is
// covered. A refusal is audited, then thrown (the caller is told privately, nothing is done).
import { isListed, resolvePerson } from '../config/policy.js';
import { forbidden } from '../core/errors.js';
import type { Services } from '../core/services.js';

export type IncidentRight = 'publishStatusPage' | 'raiseToP0';

const WHAT: Record<IncidentRight, string> = {
  publishStatusPage: 'publish on the public status page',
  raiseToP0: 'declare a P0 or raise an incident to P0',
};

/** Throws FORBIDDEN (after an audit entry) unless `caller` holds `right` in the policy. */
export async function requireIncidentRight(
  services: Services,
  request: { caller: string; channel: string; right: IncidentRight; target: string },
): Promise<void> {
  const { policy } = services;
  const holders = policy.incidents[request.right];
  const person = resolvePerson(policy, services.chat.name, request.caller);
  if (isListed(policy, holders, person?.key)) return;
  const reason = `only ${holders.join(', ') || 'nobody'} may ${WHAT[request.right]} (policy incidents.${request.right}).`;
  await services.audit.record({
    actor: request.caller,
    platform: services.chat.name,
    channel: request.channel,
    event: 'incident.refused',
    target: request.target,
    outcome: 'FORBIDDEN',
    detail: { right: request.right, reason },
  });
  throw forbidden(`You cannot ${WHAT[request.right]}: ${reason} Nothing was done.`);
}
