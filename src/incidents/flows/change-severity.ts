// Change severity: re-plans reminders, escalation and the status page deadline for the new
// severity, and brings in the new severity's contacts. The incident keeps its channel: a P2 raised
// to P1 does not move into a new war room. Raised to P1 or P0, it pages on-call (the same dedup key:
// a P1 raised to P0 updates its page).
import type { Severity } from '../../commands/args.js';
import { badArgument } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { ChatStep } from '../../chat/chat-steps.js';
import { changeIncident, enqueueForIncident, postInIncident } from '../incident-delivery.js';
import { incidentMessage, refreshAlert } from '../incident-messages.js';
import { applyTransition, recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR, incidentRef, severityLabel, type Incident } from '../incident-model.js';
import { requireIncidentRight } from '../incident-rights.js';
import { addNotified, markSeverity } from '../incident-store.js';
import { pageIncident } from '../paging.js';
import { resolveRoles, type RoleHolders } from '../role-holders.js';
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
  const holders = await resolveRoles(services, services.now());
  await changeIncident(services, async (tx) => {
    const changed = await applyTransition(tx, incident, 'change severity', () => {
      if (incident.severity === severity)
        throw badArgument(`${incidentRef(incident)} is already ${severityLabel(severity)}.`);
      return markSeverity(tx.db, incident.id, severity);
    });
    const previous = severityLabel(incident.severity);
    await recordEvent(tx, changed, author, 'severity', `${previous} → ${severityLabel(severity)}`);
    const nextUpdateDue = await planReminder(tx, changed, changed.lastUpdateAt);
    await planEscalation(tx, changed, changed.startedAt);
    await planStatusPageDeadline(tx, changed);
    const added = await notifyNewContacts(tx, changed, holders);
    const message = incidentMessage(tx, changed, 'incident-severity', {
      previous,
      author,
      nextUpdateDue,
      added: added.ids,
    });
    await postInIncident(tx, changed, message, 'the severity change');
    await refreshAlert(tx, { ...changed, notified: [...changed.notified, ...added.keys] });
    // Severities sort as their names do: p0 is the most severe. pageIncident pages P0 and P1 only.
    if (severity < incident.severity) await pageIncident(tx, changed, `raised to ${severityLabel(severity)}`);
    return changed;
  });
}

/** Messages the contacts of the new severity not yet notified (and invites them to the war room). */
async function notifyNewContacts(
  tx: Services,
  incident: Incident,
  holders: RoleHolders,
): Promise<{ keys: string[]; ids: string[] }> {
  const fresh = contactsFor(tx.policy, holders, incident.severity).filter(
    (p) => !incident.notified.includes(p.key),
  );
  if (fresh.length === 0) return { keys: [], ids: [] };
  await addNotified(
    tx.db,
    incident.id,
    fresh.map((p) => p.key),
  );
  const ids = fresh.flatMap((p) => platformUserId(p, tx.chat.name) ?? []);
  if (incident.warRoom) {
    const invite = { kind: ChatStep.Invite, channel: incident.channel, users: ids } as const;
    await enqueueForIncident(tx, incident, invite, 'the invitations of the new contacts');
  }
  const message = incidentMessage(tx, incident, 'incident-notify');
  for (const user of ids) {
    const dm = { kind: ChatStep.DirectMessage, user, message } as const;
    await enqueueForIncident(tx, incident, dm, 'the message to a new contact');
  }
  await recordEvent(tx, incident, BOT_ACTOR, 'notified', fresh.map((p) => p.name).join(', '));
  return { keys: fresh.map((p) => p.key), ids };
}
