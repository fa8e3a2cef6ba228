// The status page deadline timer (P0): if the status page has not been updated by then, the war
// room is reminded once.
import { z } from 'zod';
import type { Services } from '../../core/services.js';
import type { Timer } from '../../scheduler/scheduler.js';
import { incidentMessage } from '../incident-messages.js';
import { changeIncident, postInIncident } from '../incident-delivery.js';
import { recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR } from '../incident-model.js';
import { findIncident } from '../incident-store.js';
import { severityPolicy } from '../severity-policy.js';

const payloadSchema = z.object({ incidentId: z.number().int() });

export async function remindStatusPage(services: Services, timer: Timer): Promise<void> {
  const { incidentId } = payloadSchema.parse(timer.payload);
  await changeIncident(services, async (tx) => {
    const incident = await findIncident(tx.db, incidentId);
    if (!incident || incident.state === 'resolved' || incident.statusPageAt !== undefined) return undefined;
    const deadline = severityPolicy(tx.policy, incident.severity).statusPageDeadline;
    if (deadline === null) return undefined;
    const data = { deadline, configured: tx.targets.statusPage !== undefined };
    const message = incidentMessage(tx, incident, 'status-page-reminder', data);
    await postInIncident(tx, incident, message, 'the status page reminder');
    await recordEvent(
      tx,
      incident,
      BOT_ACTOR,
      'status-page-reminder',
      'No status page update by the deadline',
    );
    return incident;
  });
}
