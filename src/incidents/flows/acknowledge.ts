// Acknowledge: records who and the time to acknowledge, stops escalation, tells the war room.
import { acknowledgePage } from '../paging.js';
import { formatDuration } from '../../core/duration.js';
import type { Services } from '../../core/services.js';
import { incidentMessage, refreshAlert } from '../incident-messages.js';
import { applyTransition, postToIncident, recordEvent } from '../incident-lookup.js';
import { incidentRef, type Incident } from '../incident-model.js';
import { markAcknowledged } from '../incident-store.js';
import { timerKey } from '../incident-timers.js';

export async function acknowledgeIncident(
  services: Services,
  incident: Incident,
  caller: string,
): Promise<Incident> {
  const acked = await applyTransition(services, incident, 'acknowledge', () =>
    markAcknowledged(services.db, incident.id, caller, services.now()),
  );
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
  await acknowledgePage(services, acked);
  await postToIncident(
    services,
    acked,
    incidentMessage(services, acked, 'incident-acknowledged', { timeToAcknowledge }),
  );
  return acked;
}
