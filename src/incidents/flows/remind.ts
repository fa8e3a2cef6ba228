// The update reminder timer: "Reminder" in the war room, naming the commander and the time since
// the last update, then the next one on the same beat. The claim and the next timer commit together,
// so a reminder is posted once however many replicas poll, and the chain never breaks.
import { z } from 'zod';
import type { Button } from '../../chat/message.js';
import type { Services } from '../../core/services.js';
import type { Timer } from '../../scheduler/scheduler.js';
import { IncidentAction } from '../incident-action-kinds.js';
import type { ButtonFrom } from '../incident-forms.js';
import { buttonsBlock, incidentMessage, updateButton } from '../incident-messages.js';
import { postToIncident } from '../incident-lookup.js';
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
  const incident = await services.db.transaction(async (tx): Promise<Incident | undefined> => {
    // Re-checked in the store: resolved, updated since (newer generation) or already sent → nothing.
    if (!(await claimReminder(tx, payload.incidentId, payload.seq))) return undefined;
    const current = await findIncident(tx, payload.incidentId);
    const interval = current ? severityPolicy(services.policy, current.severity).updateInterval : null;
    if (!current || interval === null) return undefined;
    const next = nextBeat(timer.dueAt, interval, services.now());
    await scheduleNext(services, tx, 'reminder', { incidentId: current.id, seq: current.reminderSeq }, next);
    return current;
  });
  if (!incident) return;
  const sinceLastUpdate = services.now().getTime() - incident.lastUpdateAt.getTime();
  await postToIncident(
    services,
    incident,
    incidentMessage(
      services,
      incident,
      'reminder',
      { sinceLastUpdate },
      buttonsBlock(await reminderUpdateButton(services, incident)),
    ),
  );
  await appendEvent(services.db, incident.id, {
    at: services.now(),
    actor: BOT_ACTOR,
    kind: 'reminder',
    text: 'Reminder to post an update',
    detail: { seq: payload.seq },
  });
}
