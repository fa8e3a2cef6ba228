// The post-incident review timer: at the scheduled time (next business day, policy review.time in
// OATIE_TIMEZONE) the war room and the incidents channel are reminded of the review.
import { z } from 'zod';
import type { Services } from '../../core/services.js';
import type { Timer } from '../../scheduler/scheduler.js';
import { incidentMessage } from '../incident-messages.js';
import { changeIncident, postInIncidentAndIncidentsChannel } from '../incident-delivery.js';
import { recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR } from '../incident-model.js';
import { findIncident } from '../incident-store.js';

const payloadSchema = z.object({ incidentId: z.number().int() });

export async function remindReview(services: Services, timer: Timer): Promise<void> {
  const { incidentId } = payloadSchema.parse(timer.payload);
  await changeIncident(services, async (tx) => {
    const incident = await findIncident(tx.db, incidentId);
    if (!incident || incident.state !== 'resolved') return undefined;
    const message = incidentMessage(tx, incident, 'review-reminder');
    await postInIncidentAndIncidentsChannel(tx, incident, message, 'the review reminder');
    await recordEvent(tx, incident, BOT_ACTOR, 'review-reminder', 'Post-incident review reminder');
    return incident;
  });
}
