// Change severity: re-plans reminders, escalation and the status page deadline for the new
// severity, and brings in the new severity's contacts. The incident keeps its channel: a P2 raised
// to P1 does not move into a new war room.
import type { Severity } from '../../commands/args.js';
import { badArgument } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { incidentMessage, refreshAlert } from '../incident-messages.js';
import { applyTransition, bestEffort, postToIncident, recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR, incidentRef, severityLabel, type Incident } from '../incident-model.js';
import { requireIncidentRight } from '../incident-rights.js';
import { addNotified, markSeverity } from '../incident-store.js';
import { planEscalation, planReminder, planStatusPageDeadline } from '../incident-timers.js';
import { contactsFor, platformUserId } from '../severity-policy.js';

export async function changeSeverity(
  services: Services,
  incident: Incident,
  severity: Severity,
  author: string,
): Promise<void> {
  if (severity === 'p0' && incident.severity !== 'p0')
    await requireIncidentRight(services, {
      caller: author,
      channel: incident.channel,
      right: 'raiseToP0',
      target: incidentRef(incident),
    });
  const changed = await applyTransition(services, incident, 'change severity', () => {
    if (incident.severity === severity)
      throw badArgument(`${incidentRef(incident)} is already ${severityLabel(severity)}.`);
    return markSeverity(services.db, incident.id, severity);
  });
  const previous = severityLabel(incident.severity);
  await recordEvent(services, changed, author, 'severity', `${previous} → ${severityLabel(severity)}`);
  const nextUpdateDue = await planReminder(services, changed, changed.lastUpdateAt);
  await planEscalation(services, changed, changed.startedAt);
  await planStatusPageDeadline(services, changed);
  const added = await notifyNewContacts(services, changed);
  await postToIncident(
    services,
    changed,
    incidentMessage(services, changed, 'incident-severity', {
      previous,
      author,
      nextUpdateDue,
      added: added.ids,
    }),
  );
  await refreshAlert(services, { ...changed, notified: [...changed.notified, ...added.keys] });
}

/** Messages the contacts of the new severity not yet notified (and invites them to the war room). */
async function notifyNewContacts(
  services: Services,
  incident: Incident,
): Promise<{ keys: string[]; ids: string[] }> {
  const fresh = contactsFor(services.policy, incident.severity).filter(
    (p) => !incident.notified.includes(p.key),
  );
  if (fresh.length === 0) return { keys: [], ids: [] };
  await addNotified(
    services.db,
    incident.id,
    fresh.map((p) => p.key),
  );
  const ids = fresh.flatMap((p) => platformUserId(p, services.chat.name) ?? []);
  if (incident.warRoom) {
    await bestEffort(services, 'invite the new contacts', () => services.chat.invite(incident.channel, ids));
  }
  const message = incidentMessage(services, incident, 'incident-notify');
  for (const id of ids)
    await bestEffort(services, 'notify a new contact', () => services.chat.directMessage(id, message));
  await recordEvent(services, incident, BOT_ACTOR, 'notified', fresh.map((p) => p.name).join(', '));
  return { keys: fresh.map((p) => p.key), ids };
}
