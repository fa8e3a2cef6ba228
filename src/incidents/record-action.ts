// For other domains (fixes, diagnostics): record something done for an incident in its timeline and
// in the alert's "Actions taken". Outside an incident's channel it does nothing.
import type { Services } from '../core/services.js';
import { cleanText, recordEvent } from './incident-lookup.js';
import { incidentRef } from './incident-model.js';
import { findOpenIncidentInChannel } from './incident-store.js';
import { changeIncident } from './incident-delivery.js';
import { refreshAlert } from './incident-messages.js';

const MAX_ACTION = 500;

/**
 * Appends `text` (e.g. "Restarted report-service (approved by @bob)") to the open incident that
 * lives in `channel`, as done by `actor` (a platform user id); `fix` marks the outcome of an approved
 * fix (its review lists fixes from the approvals themselves). Returns the incident's reference
 * (INC-7), or undefined when no open incident lives in that channel (a no-op).
 */
export async function recordIncidentAction(
  services: Services,
  channel: string,
  text: string,
  actor: string,
  kind: 'action' | 'fix' = 'action',
): Promise<string | undefined> {
  const incident = await findOpenIncidentInChannel(services.db, channel);
  if (!incident) return undefined;
  const cleaned = cleanText(text).replace(/\s+/g, ' ').slice(0, MAX_ACTION);
  if (cleaned === '') return undefined;
  await changeIncident(services, async (tx) => {
    await recordEvent(tx, incident, actor, kind, cleaned);
    await refreshAlert(tx, incident);
    return incident;
  });
  return incidentRef(incident);
}
