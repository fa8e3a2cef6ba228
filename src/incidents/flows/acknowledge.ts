// Acknowledge: records who and the time to acknowledge, stops escalation, tells the war room (the
// alert's update and the acknowledgement are outbox steps of the same transaction). An acknowledgement
// made in PagerDuty (its webhook) takes the same path, without telling PagerDuty what it told us.
import { acknowledgePage } from '../paging.js';
import { formatDuration } from '../../core/duration.js';
import type { Services } from '../../core/services.js';
import { changeIncident, postInIncident } from '../incident-delivery.js';
import { incidentMessage, refreshAlert } from '../incident-messages.js';
import { applyTransition, recordEvent } from '../incident-lookup.js';
import { incidentRef, type Incident } from '../incident-model.js';
import { markAcknowledged } from '../incident-store.js';
import { timerKey } from '../incident-timers.js';

export async function acknowledgeIncident(
  services: Services,
  incident: Incident,
  caller: string,
  from: 'chat' | 'pager' = 'chat',
): Promise<Incident> {
  const inPager = from === 'pager';
  const acked = await changeIncident(services, async (tx) => {
    const acked = await applyTransition(tx, incident, 'acknowledge', () =>
      markAcknowledged(tx.db, incident.id, caller, tx.now()),
    );
    await tx.scheduler.cancel(timerKey(acked.id, 'escalation'), tx.db);
    const timeToAcknowledge = (acked.acknowledgedAt ?? tx.now()).getTime() - acked.startedAt.getTime();
    await recordEvent(
      tx,
      acked,
      caller,
      'acknowledged',
      `Acknowledged${inPager ? ' in PagerDuty' : ''} after ${formatDuration(timeToAcknowledge)}`,
    );
    await tx.audit.record({
      actor: caller,
      platform: tx.chat.name,
      channel: acked.channel,
      event: 'incident.acknowledged',
      target: incidentRef(acked),
      outcome: 'ok',
      detail: { timeToAcknowledgeMs: timeToAcknowledge, ...(inPager ? { via: 'pagerduty' } : {}) },
    });
    await refreshAlert(tx, acked);
    const message = incidentMessage(tx, acked, 'incident-acknowledged', {
      timeToAcknowledge,
      inPager,
    });
    await postInIncident(tx, acked, message, 'the acknowledgement');
    // PagerDuty hears it too, unless it is where the acknowledgement came from.
    if (!inPager) await acknowledgePage(tx, acked);
    return acked;
  });
  return acked;
}
