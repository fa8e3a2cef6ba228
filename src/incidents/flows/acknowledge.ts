// Acknowledge: records who and the time to acknowledge, stops escalation, tells the war room.
import { formatDuration } from '../../core/duration.js';
import { conflict } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { incidentData, refreshAlert, templateMessage } from '../incident-messages.js';
import { postToIncident, recordEvent } from '../incident-lookup.js';
import { guardTransition, incidentRef, type Incident } from '../incident-model.js';
import { findIncident, markAcknowledged } from '../incident-store.js';
import { timerKey } from '../incident-timers.js';

export async function acknowledgeIncident(
  services: Services,
  incident: Incident,
  caller: string,
): Promise<Incident> {
  const zone = services.config.OATIE_TIMEZONE;
  guardTransition(incident, 'acknowledge', zone);
  const acked = await markAcknowledged(services.db, incident.id, caller, services.now());
  if (!acked) {
    // Someone else acknowledged or resolved it a moment ago: say what happened.
    const now = await findIncident(services.db, incident.id);
    if (now) guardTransition(now, 'acknowledge', zone);
    throw conflict(`${incidentRef(incident)} could not be acknowledged; try again.`);
  }
  await services.scheduler.cancel(timerKey(acked.id, 'escalation'));
  const timeToAcknowledge = (acked.acknowledgedAt ?? services.now()).getTime() - acked.startedAt.getTime();
  await recordEvent(
    services,
    acked,
    caller,
    'acknowledged',
    `Acknowledged after ${formatDuration(timeToAcknowledge)}`,
  );
  await services.audit.record({
    actor: caller,
    platform: services.chat.name,
    channel: acked.channel,
    event: 'incident.acknowledged',
    target: incidentRef(acked),
    outcome: 'ok',
    detail: { timeToAcknowledgeMs: timeToAcknowledge },
  });
  await refreshAlert(services, acked);
  await postToIncident(
    services,
    acked,
    templateMessage(services, 'incident-acknowledged', {
      ...incidentData(services, acked),
      timeToAcknowledge,
    }),
  );
  return acked;
}
