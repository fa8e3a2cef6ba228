// The status page deadline timer (P0): if the status page has not been updated by then, the war
// room is reminded once.
import { z } from 'zod';
import type { Services } from '../../core/services.js';
import type { Timer } from '../../scheduler/scheduler.js';
import { incidentMessage } from '../incident-messages.js';
import { postToIncident, recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR } from '../incident-model.js';
import { findIncident } from '../incident-store.js';
import { severityPolicy } from '../severity-policy.js';

const payloadSchema = z.object({ incidentId: z.number().int() });

export async function remindStatusPage(services: Services, timer: Timer): Promise<void> {
  const { incidentId } = payloadSchema.parse(timer.payload);
  const incident = await findIncident(services.db, incidentId);
  if (!incident || incident.state === 'resolved' || incident.statusPageAt !== undefined) return;
  const deadline = severityPolicy(services.policy, incident.severity).statusPageDeadline;
  if (deadline === null) return;
  const data = { deadline, configured: services.targets.statusPage !== undefined };
  await postToIncident(services, incident, incidentMessage(services, incident, 'status-page-reminder', data));
  await recordEvent(
    services,
    incident,
    BOT_ACTOR,
    'status-page-reminder',
    'No status page update by the deadline',
  );
}
