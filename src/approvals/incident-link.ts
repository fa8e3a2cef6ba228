// Links a fix to the incident of the channel it was requested in: the P0 test of the two-person
// rule, and the incident's timeline and "Actions taken".
import type { Services } from '../core/services.js';
import { recordIncidentAction } from '../incidents/record-action.js';
import { listEvents } from '../incidents/incident-events.js';
import { findOpenIncidentInChannel } from '../incidents/incident-store.js';
import type { Approval } from './approval.js';

/** Who made the incident a P0, and when: the last change of severity to P0, else its declaration. */
export interface P0Source {
  by: string;
  at: Date;
}

/** If the request was made in the war room of an incident that is open and a P0 now: who made it a P0
 * and when (the two-person rule's exception needs both). */
export async function p0OfRequest(services: Services, approval: Approval): Promise<P0Source | undefined> {
  if (approval.incidentChannel === undefined) return undefined;
  const incident = await findOpenIncidentInChannel(services.db, approval.incidentChannel);
  if (!incident || incident.id !== approval.incidentId || !incident.warRoom || incident.severity !== 'p0')
    return undefined;
  // change-severity records "P1 → P0" with its author; declared as a P0, the commander set it.
  const raised = (await listEvents(services.db, incident.id, ['severity']))
    .filter((e) => e.text.endsWith('→ P0'))
    .at(-1);
  return raised ? { by: raised.actor, at: raised.at } : { by: incident.commander, at: incident.startedAt };
}

/** Adds the fix's outcome to the incident's timeline and "Actions taken" (a no-op outside incidents). */
export async function recordFixOnIncident(services: Services, approval: Approval): Promise<void> {
  if (approval.incidentChannel === undefined) return;
  const approver = approval.approver ?? approval.requester;
  const outcome = approval.state === 'succeeded' ? 'done' : approval.state;
  const text = `Fix ${approval.command} (${outcome}, approved by ${approver}): ${approval.plan.summary} ${approval.result ?? ''}`;
  await recordIncidentAction(services, approval.incidentChannel, text, approver, 'fix');
}
