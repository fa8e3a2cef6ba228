// An alert group as a chat message: the template alert-group.hbs with its data, and the buttons that
// still apply (Acknowledge while nobody has; Declare incident while none is linked; none once resolved).
import type { Button, Message } from '../chat/message.js';
import type { Services } from '../core/services.js';
import { incidentById } from '../incidents/incident-lookup.js';
import { buttonsBlock, templateMessage } from '../incidents/incident-messages.js';
import { incidentRef } from '../incidents/incident-model.js';
import type { AlertGroup } from './alert-store.js';

export async function alertGroupMessage(services: Services, group: AlertGroup): Promise<Message> {
  const incident =
    group.incidentId === undefined ? undefined : await incidentById(services, group.incidentId);
  const data = {
    ...group,
    // jsonb keeps its own key order: shown sorted, so the same group always reads the same.
    labels: Object.fromEntries(Object.entries(group.labels).sort(([a], [b]) => a.localeCompare(b))),
    severity: group.severity.toUpperCase(),
    severityFrom: group.labels.severity === undefined ? undefined : `severity=${group.labels.severity}`,
    resolved: group.status === 'resolved',
    single: group.alertsFiring === 1,
    once: group.deliveries === 1,
    incident: incident && incidentRef(incident),
    incidentChannel: incident?.channel,
  };
  return templateMessage(services, 'alert-group', data, buttonsBlock(alertButtons(group)));
}

function alertButtons(group: AlertGroup): Button[] {
  if (group.status === 'resolved') return [];
  const buttons: Button[] = [];
  if (group.buttons.ack && group.acknowledgedBy === undefined)
    buttons.push({ actionId: group.buttons.ack, label: 'Acknowledge', style: 'primary' });
  if (group.buttons.declare && group.incidentId === undefined)
    buttons.push({ actionId: group.buttons.declare, label: 'Declare incident', style: 'danger' });
  return buttons;
}
