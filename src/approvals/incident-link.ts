// Links a fix to the incident of the channel it was requested in: the P0 test of the two-person
// rule, and the incident's timeline and "Actions taken".
import type { Services } from '../core/services.js';
import { recordIncidentAction } from '../incidents/record-action.js';
import { findOpenIncidentInChannel } from '../incidents/incident-store.js';
import type { Approval } from './approval.js';

/** Whether the request was made in the war room of an incident that is open and a P0 now. */
export async function requestedInP0WarRoom(services: Services, approval: Approval): Promise<boolean> {
  if (approval.incidentChannel === undefined) return false;
  const incident = await findOpenIncidentInChannel(services.db, approval.incidentChannel);
  return (
    incident !== undefined &&
    incident.id === approval.incidentId &&
    incident.warRoom &&
    incident.severity === 'p0'
  );
}

/** Adds the fix's outcome to the incident's timeline and "Actions taken" (a no-op outside incidents). */
export async function recordFixOnIncident(services: Services, approval: Approval): Promise<void> {
  if (approval.incidentChannel === undefined) return;
  const approver = approval.approver ?? approval.requester;
  const outcome = approval.state === 'succeeded' ? 'done' : approval.state;
  const text = `Fix ${approval.command} (${outcome}, approved by ${approver}): ${approval.plan.summary} ${approval.result ?? ''}`;
  await recordIncidentAction(services, approval.incidentChannel, text, approver, 'fix');
}
