// The forms (Slack modals) of incidents: declare, post an update, resolve. Each submits to a stored
// action of its kind; platforms without forms get the command's usage instead.
import type { Form } from '../chat/message.js';
import { severities, updateStatuses, type Severity, type UpdateStatus } from '../commands/args.js';
import type { Services } from '../core/services.js';
import { MAX_TITLE } from './flows/declare.js';
import { IncidentAction } from './incident-action-kinds.js';
import { incidentRef, severityLabel, type Incident } from './incident-model.js';

/** The typed commands' limits (src/commands/catalog.ts): a form refuses no less and no more. */
const TITLE_MAX = MAX_TITLE;
const TEXT_MAX = 2000;

/** Which copy of a button was pressed: the alert's own (no mark), or one under a reminder or an escalation. */
export type ButtonFrom = 'reminder' | 'escalation';

export async function declareForm(
  services: Services,
  channel: string,
  initial: { severity?: Severity; title?: string },
): Promise<Form> {
  return {
    title: 'Declare an incident',
    submitLabel: 'Declare',
    actionId: await services.actions.create(IncidentAction.DeclareForm, { channel }),
    fields: [
      {
        name: 'severity',
        label: 'Severity',
        type: 'select',
        initial: initial.severity,
        options: severities.map((s) => ({
          value: s,
          label: `${severityLabel(s)}: ${services.policy.severities[s].label}`,
        })),
      },
      {
        name: 'title',
        label: 'Title (what is broken)',
        type: 'text',
        initial: initial.title,
        maxLength: TITLE_MAX,
      },
      { name: 'service', label: 'Service', type: 'text', optional: true, maxLength: TITLE_MAX },
      { name: 'impact', label: 'Impact on users', type: 'textarea', optional: true, maxLength: TEXT_MAX },
    ],
  };
}

/** `from`: the message whose button opened the form (a reminder), told when the update is posted. */
export async function updateForm(
  services: Services,
  incident: Incident,
  initial: { status?: UpdateStatus; text?: string },
  from?: ButtonFrom,
): Promise<Form> {
  const payload = { incidentId: incident.id, ...(from ? { from } : {}) };
  return {
    title: `Update ${incidentRef(incident)}`,
    submitLabel: 'Post update',
    actionId: await services.actions.create(IncidentAction.UpdateForm, payload),
    fields: [
      {
        name: 'status',
        label: 'Status',
        type: 'select',
        initial: initial.status ?? (incident.status === 'resolved' ? undefined : incident.status),
        options: updateStatuses.map((s) => ({
          value: s,
          label: `${s.charAt(0).toUpperCase()}${s.slice(1)}`,
        })),
      },
      { name: 'text', label: 'What changed', type: 'textarea', initial: initial.text, maxLength: TEXT_MAX },
      // The form twin of `--eta 45m`: the same duration grammar, checked on submit.
      { name: 'eta', label: 'ETA to resolution (e.g. 45m, 2h)', type: 'text', optional: true, maxLength: 10 },
      {
        name: 'public',
        label: 'Also post to the status page',
        type: 'select',
        optional: true,
        initial: 'no',
        options: [
          { value: 'no', label: 'No' },
          { value: 'yes', label: 'Yes' },
        ],
      },
    ],
  };
}

export async function resolveForm(
  services: Services,
  incident: Incident,
  initial: { rootCause?: string },
): Promise<Form> {
  return {
    title: `Resolve ${incidentRef(incident)}`,
    submitLabel: 'Resolve',
    actionId: await services.actions.create(IncidentAction.ResolveForm, { incidentId: incident.id }),
    fields: [
      {
        name: 'rootCause',
        label: 'Root cause',
        type: 'textarea',
        initial: initial.rootCause,
        maxLength: TEXT_MAX,
      },
      {
        name: 'resolution',
        label: 'Resolution (what was done)',
        type: 'textarea',
        optional: true,
        maxLength: TEXT_MAX,
      },
      {
        name: 'prevention',
        label: 'Prevention (what will stop it recurring)',
        type: 'textarea',
        optional: true,
        maxLength: TEXT_MAX,
      },
    ],
  };
}
