// The update reminder timer: "Reminder" in the war room, naming the commander and the time since
// the last update, then the next one on the same beat. The claim, the next timer and the reminder's
// outbox step commit together, so a reminder is posted once however many replicas poll, and the chain never breaks.
import { z } from 'zod';
import type { Button } from '../../chat/message.js';
import type { Services } from '../../core/services.js';
import type { Timer } from '../../scheduler/scheduler.js';
import { IncidentAction } from '../incident-action-kinds.js';
import type { ButtonFrom } from '../incident-forms.js';
import { buttonsBlock, incidentMessage, updateButton } from '../incident-messages.js';
import { changeIncident, postReminder } from '../incident-delivery.js';
import { BOT_ACTOR, type Incident } from '../incident-model.js';
import { appendEvent } from '../incident-events.js';
import { claimReminder, findIncident } from '../incident-store.js';
import { nextBeat, scheduleNext } from '../incident-timers.js';
import { severityPolicy } from '../severity-policy.js';

const payloadSchema = z.object({ incidentId: z.number().int(), seq: z.number().int() });

/** The reminder's own Post update button (not the alert's): the update it leads to retires it. */
async function reminderUpdateButton(services: Services, incident: Incident): Promise<Button[]> {
  const [shared] = updateButton(incident);
  if (!shared) return [];
  const from: ButtonFrom = 'reminder';
  const actionId = await services.actions.create(IncidentAction.Update, { incidentId: incident.id, from });
  return [{ ...shared, actionId }];
}

export async function remindToUpdate(services: Services, timer: Timer): Promise<void> {
  const payload = payloadSchema.parse(timer.payload);
  await changeIncident(services, async (tx): Promise<Incident | undefined> => {
    // Re-checked in the store: resolved, updated since (newer generation) or already sent → nothing.
    if (!(await claimReminder(tx.db, payload.incidentId, payload.seq))) return undefined;
    const current = await findIncident(tx.db, payload.incidentId);
    const interval = current ? severityPolicy(tx.policy, current.severity).updateInterval : null;
    if (!current || interval === null) return undefined;
    const next = nextBeat(timer.dueAt, interval, tx.now());
    await scheduleNext(tx, tx.db, 'reminder', { incidentId: current.id, seq: current.reminderSeq }, next);
    // The claim, the next timer and the reminder's outbox step commit together: posted once, never lost.
    const sinceLastUpdate = tx.now().getTime() - current.lastUpdateAt.getTime();
    const buttons = buttonsBlock(await reminderUpdateButton(tx, current));
    const message = incidentMessage(tx, current, 'reminder', { sinceLastUpdate }, buttons);
    await postReminder(tx, current, message, payload.seq);
    await appendEvent(tx.db, current.id, {
      at: tx.now(),
      actor: BOT_ACTOR,
      kind: 'reminder',
      text: 'Reminder to post an update',
      detail: { seq: payload.seq },
    });
    return current;
  });
}
