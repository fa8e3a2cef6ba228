// Turns incidents into messages: the data each template gets, the rendered text split into
// sections that fit chat limits, and the buttons. Wording lives in templates/*.hbs.
import type { Block, Button, Message } from '../chat/message.js';
import type { Services } from '../core/services.js';
import { updateAlert } from './incident-delivery.js';
import { ACTION_KINDS, UPDATE_KINDS, actionText, listEvents, type ActionKind } from './incident-events.js';
import { formatTime } from '../core/time-zone.js';
import { incidentRef, severityLabel, type Incident } from './incident-model.js';
import { platformUserId, responseDue, severityPolicy } from './severity-policy.js';

/** Slack sections hold 3,000 characters; keep a margin for escaping. */
const MAX_SECTION = 2800;
/** The alert lists the latest actions and updates; the timeline has them all. */
const MAX_ALERT_ACTIONS = 10;
const MAX_ALERT_UPDATES = 5;

/** What every incident template may use. */
function incidentData(services: Services, incident: Incident): Record<string, unknown> {
  const sp = severityPolicy(services.policy, incident.severity);
  const end = incident.resolvedAt ?? services.now();
  return {
    ref: incidentRef(incident),
    id: incident.id,
    severity: severityLabel(incident.severity),
    label: sp.label,
    definition: sp.definition,
    title: incident.title,
    service: incident.service,
    impact: incident.impact,
    started: incident.startedAt,
    status: incident.status,
    /** Next Steps follow the status: `{{#if statusIs.identified}}`. */
    statusIs: { [incident.status]: true },
    state: incident.state,
    commander: incident.commander,
    channel: incident.channel,
    channelName: incident.channelName,
    warRoom: incident.warRoom,
    updateInterval: sp.updateInterval,
    lastUpdateAt: incident.lastUpdateAt,
    acknowledgedBy: incident.acknowledgedBy,
    acknowledgedAt: incident.acknowledgedAt,
    resolvedBy: incident.resolvedBy,
    resolvedAt: incident.resolvedAt,
    durationMs: end.getTime() - incident.startedAt.getTime(),
    rootCause: incident.rootCause,
    resolution: incident.resolution,
    prevention: incident.prevention,
    reviewAt: incident.reviewAt,
    reviewLink: services.policy.review.link,
    etaAt: incident.etaAt,
  };
}

/** Rendered text as a message: sections cut at blank lines to fit, then the extra blocks. */
export function templateMessage(
  services: Services,
  template: string,
  data: object,
  extra: Block[] = [],
): Message {
  const text = services.templates.render(template, data);
  return { text: firstLine(text), blocks: [...textBlocks(text), ...extra] };
}

/** An incident's template rendered with incidentData and `extra` data, then `blocks` (its buttons). */
export function incidentMessage(
  services: Services,
  incident: Incident,
  template: string,
  extra: object = {},
  blocks: Block[] = [],
): Message {
  return templateMessage(services, template, { ...incidentData(services, incident), ...extra }, blocks);
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).slice(0, 300);
}

/** Splits text into sections of at most MAX_SECTION characters, at paragraph then line boundaries. */
function textBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let current = '';
  const flush = (): void => {
    if (current.trim() !== '') blocks.push({ kind: 'section', text: current.trim() });
    current = '';
  };
  for (const line of text.split('\n')) {
    for (let rest = line; ;) {
      const piece = rest.slice(0, MAX_SECTION);
      if (current.length + piece.length + 1 > MAX_SECTION) flush();
      current += `${piece}\n`;
      rest = rest.slice(MAX_SECTION);
      if (rest === '') break;
    }
  }
  flush();
  return blocks;
}

export function buttonsBlock(buttons: Button[]): Block[] {
  return buttons.length === 0 ? [] : [{ kind: 'actions', buttons }];
}

/** The alert's buttons for the incident's state: none once resolved. */
function alertButtons(incident: Incident): Button[] {
  if (incident.state === 'resolved') return [];
  const { resolve } = incident.buttons;
  const resolveButton: Button[] = resolve ? [{ actionId: resolve, label: 'Resolve', style: 'danger' }] : [];
  return [...ackButton(incident), ...updateButton(incident), ...resolveButton];
}

/** The alert, as it stands now: status, latest actions taken, who acknowledged, the buttons that still apply. */
export async function alertMessage(services: Services, incident: Incident): Promise<Message> {
  const actions = await actionsTaken(services, incident);
  const shown = actions.slice(-MAX_ALERT_ACTIONS);
  const updates = (await listEvents(services.db, incident.id, UPDATE_KINDS)).map(
    (e) => `${formatTime(e.at, services.config.OATIE_TIMEZONE)} — ${e.text}`,
  );
  const notified = incident.notified.flatMap((key) => {
    const person = services.policy.people[key];
    const id = person ? platformUserId({ ...person, key }, services.chat.name) : undefined;
    return id === undefined ? [] : [id];
  });
  const data = {
    actions: shown,
    earlierActions: actions.length - shown.length,
    updates: updates.slice(-MAX_ALERT_UPDATES),
    earlierUpdates: Math.max(0, updates.length - MAX_ALERT_UPDATES),
    notified,
    responseDue:
      incident.state === 'open'
        ? responseDue(services.policy, incident.severity, incident.startedAt, services.config.OATIE_TIMEZONE)
        : undefined,
  };
  return incidentMessage(services, incident, 'incident-alert', data, buttonsBlock(alertButtons(incident)));
}

/** The actions taken on the incident so far (fixes run, severity changes, people paged…), in order. */
export async function actionsTaken(
  services: Services,
  incident: Pick<Incident, 'id'>,
  kinds: readonly ActionKind[] = ACTION_KINDS,
): Promise<string[]> {
  return (await listEvents(services.db, incident.id, kinds)).map(actionText);
}

/** Enqueues the alert's update to its current state, in `tx` (services bound to the flow's transaction). */
export async function refreshAlert(tx: Services, incident: Incident): Promise<void> {
  await updateAlert(tx, incident, await alertMessage(tx, incident));
}

/** A button that opens the update form (or says how to type the update). */
export function updateButton(incident: Incident): Button[] {
  return incident.buttons.update ? [{ actionId: incident.buttons.update, label: 'Post update' }] : [];
}

/** The Acknowledge button, while nobody has acknowledged. */
export function ackButton(incident: Incident): Button[] {
  return incident.buttons.ack && incident.state === 'open'
    ? [{ actionId: incident.buttons.ack, label: 'Acknowledge', style: 'primary' }]
    : [];
}
