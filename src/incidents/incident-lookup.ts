// Finding the incident a command is about (the one that lives in the channel it was typed in), and
// the small steps every flow shares: state transitions and timeline events.
import { stripControl } from '../chat/message.js';
import { notFound } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { appendEvent } from './incident-events.js';
import { findIncident, findIncidentInChannel } from './incident-store.js';
import { guardTransition, transitionLost, type Incident, type Transition } from './incident-model.js';

/** The incident that lives in `channel` (its war room, or the channel a P2/P3 was declared in). */
export async function incidentOfChannel(services: Services, channel: string): Promise<Incident> {
  const incident = await findIncidentInChannel(services.db, channel);
  if (!incident) {
    throw notFound(
      'No incident lives in this channel. Name it (`incident resolve INC-n <root cause>`, `incident ack INC-n`…) or type the command in its war room (for a P2 or P3, the channel it was declared in); `incident list` shows each open incident.',
    );
  }
  return incident;
}

/** The incident a command names (`INC-n`), or else the one living in the channel it was typed in. */
export async function incidentFor(
  services: Services,
  channel: string,
  ref: number | undefined,
): Promise<Incident> {
  return ref === undefined ? incidentOfChannel(services, channel) : incidentById(services, ref);
}

/** The incident a stored button or form points at. */
export async function incidentById(services: Services, id: number): Promise<Incident> {
  const incident = await findIncident(services.db, id);
  if (!incident) throw notFound(`INC-${id} does not exist.`);
  return incident;
}

/**
 * Guards `transition`, then applies it with `apply` (a conditional update of the store). When the
 * update finds the incident moved on (someone else won the race), the answer says what happened.
 */
export async function applyTransition(
  services: Services,
  incident: Incident,
  transition: Transition,
  apply: () => Promise<Incident | undefined>,
): Promise<Incident> {
  const zone = services.config.OATIE_TIMEZONE;
  guardTransition(incident, transition, zone);
  const applied = await apply();
  if (applied) return applied;
  const current = await findIncident(services.db, incident.id);
  if (current) guardTransition(current, transition, zone);
  throw transitionLost(incident, transition);
}

/** Free text from a form or a command: no control characters, no surrounding blanks. */
export function cleanText(text: string): string {
  return stripControl(text).trim();
}

export async function recordEvent(
  services: Services,
  incident: Pick<Incident, 'id'>,
  actor: string,
  kind: string,
  text = '',
): Promise<void> {
  await appendEvent(services.db, incident.id, { at: services.now(), actor, kind, text });
}
