// Who may declare an incident and who may act on one (acknowledge, update, change severity, resolve),
// read from the policy's `incidents:` section. Every incident command, button and form calls it before
// anything changes; a refusal is private (the router answers the caller only), audited, and changes
// nothing (escalation and reminder timers are left as they were).
import { incidentRights } from '../config/incident-policy.js';
import { isListed, resolvePerson } from '../config/policy.js';
import { forbidden } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { incidentRef, type Incident } from './incident-model.js';

export type IncidentRight = 'declare' | 'act';

export interface Requester {
  caller: string;
  channel: string;
  /** Set when the caller belongs to another team or tenant than the bot's. */
  foreignTeam?: string;
}

/** What the caller was trying to do, for the audit row and the answer ("acknowledge INC-3"). */
export interface Attempt {
  right: IncidentRight;
  /** e.g. `incident ack`, `incident resolve (button)` */
  command: string;
  incident?: Incident;
}

function holds(services: Services, who: Requester, list: readonly string[], incident?: Incident): boolean {
  const person = resolvePerson(services.policy, services.chat.name, who.caller);
  for (const holder of list) {
    if (holder === '*') return true;
    if (holder === 'commander' && incident?.commander === who.caller) return true;
    if (holder === 'notified' && person && incident?.notified.includes(person.key)) return true;
  }
  return isListed(
    services.policy,
    list.filter((h) => h !== '*'),
    person?.key,
  );
}

/** Why `who` may not do this, or undefined when they may. */
function refusal(services: Services, who: Requester, attempt: Attempt): string | undefined {
  const rights = incidentRights(services.policy.incidents, services.policy.groups);
  if (who.foreignTeam !== undefined) {
    const person = resolvePerson(services.policy, services.chat.name, who.caller);
    const letIn = rights.otherTeams.some((ref) => ref === who.caller || ref === person?.key);
    if (!letIn)
      return 'you belong to another team than this workspace, and the policy (incidents.otherTeams) does not let you in.';
  }
  const list = rights[attempt.right];
  if (holds(services, who, list, attempt.incident)) return undefined;
  return attempt.right === 'declare'
    ? `incidents are declared by ${list.join(', ')} (policy incidents.declare).`
    : `${attempt.incident ? incidentRef(attempt.incident) : 'an incident'} is run by ${list.join(', ')} (policy incidents.act).`;
}

/** Throws a Forbidden error (after an `incident.refused` audit row) when `who` may not do this. */
export async function authorizeIncident(services: Services, who: Requester, attempt: Attempt): Promise<void> {
  const reason = refusal(services, who, attempt);
  if (reason === undefined) return;
  await services.audit.record({
    actor: who.caller,
    platform: services.chat.name,
    channel: who.channel,
    event: 'incident.refused',
    command: attempt.command,
    target: attempt.incident ? incidentRef(attempt.incident) : undefined,
    outcome: 'forbidden',
    detail: { reason, ...(who.foreignTeam === undefined ? {} : { team: who.foreignTeam }) },
  });
  throw forbidden(`You cannot do this: ${reason} Nothing was changed.`);
}
