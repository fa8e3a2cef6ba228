// The post-incident review timer: at the scheduled time (next business day, policy review.time in
// OATIE_TIMEZONE) the war room and the incidents channel are reminded of the review.
import { z } from 'zod';
import { describeError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import type { Timer } from '../../scheduler/scheduler.js';
import { incidentData, templateMessage } from '../incident-messages.js';
import { postToIncident, recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR } from '../incident-model.js';
import { findIncident } from '../incident-store.js';

const payloadSchema = z.object({ incidentId: z.number().int() });

export async function remindReview(services: Services, timer: Timer): Promise<void> {
  const { incidentId } = payloadSchema.parse(timer.payload);
  const incident = await findIncident(services.db, incidentId);
  if (!incident || incident.state !== 'resolved') return;
  const message = templateMessage(services, 'review-reminder', incidentData(services, incident));
  await postToIncident(services, incident, message);
  try {
    const channel = await services.chat.resolveChannel(services.config.OATIE_INCIDENTS_CHANNEL);
    if (channel !== incident.channel) await services.chat.post(channel, message);
  } catch (error) {
    services.log.warn(
      { incident: incidentId, err: describeError(error) },
      'could not post the review reminder in the incidents channel',
    );
  }
  await recordEvent(services, incident, BOT_ACTOR, 'review-reminder', 'Post-incident review reminder');
}
