// What an event of PagerDuty's webhook does to our incidents. An acknowledgement made in PagerDuty
// acknowledges the incident exactly as the chat's Acknowledge does (the store's conditional update
// lets one delivery win, however many replicas receive it); a resolution in PagerDuty is only noted in
// the war room, because an incident here is resolved with its root cause, which PagerDuty does not give.
import { isOpsError, ErrorCode } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { DeliveryLog } from '../../store/delivery-log.js';
import { acknowledgeIncident } from './acknowledge.js';
import { changeIncident, postInIncident } from '../incident-delivery.js';
import { incidentMessage } from '../incident-messages.js';
import { recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR, incidentRef, type Incident } from '../incident-model.js';
import { findIncident, findIncidentByPagerId, rememberPagerIncident } from '../incident-store.js';
import { platformUserId } from '../severity-policy.js';
import {
  incidentOfEvent,
  type PagerAgent,
  type PagerIncidentData,
  type PagerWebhookEvent,
} from '../pager-webhook-payload.js';

/** done: acted on; ignored: a valid delivery with nothing (more) to do; unknown: not one of ours; malformed. */
export type PagerEventOutcome =
  | { kind: 'acknowledged' | 'noted'; incident: string }
  | { kind: 'ignored'; reason: string; incident?: string }
  | { kind: 'unknown' | 'malformed'; reason: string };

/** The events whose incident must be ours (the others are read only to learn the PagerDuty id). */
const ACTED_ON = new Set(['incident.acknowledged', 'incident.resolved']);
const DEDUP_KEY = /^oatie-ops-INC-(\d{1,9})$/;

export async function receivePagerEvent(
  services: Services,
  event: PagerWebhookEvent,
): Promise<PagerEventOutcome> {
  if (!event.event_type.startsWith('incident.'))
    return { kind: 'ignored', reason: `${event.event_type} events are not read` };
  const data = incidentOfEvent(event);
  if (!data.ok) return { kind: 'malformed', reason: data.problem };
  const incident = await incidentOfPage(services, data.incident);
  if (!incident) {
    const reason = `no incident of oatie-ops has the incident key ${JSON.stringify(data.incident.incident_key ?? null)} or the PagerDuty id ${data.incident.id}`;
    return ACTED_ON.has(event.event_type) ? { kind: 'unknown', reason } : { kind: 'ignored', reason };
  }
  await rememberPagerIncident(services.db, incident.id, data.incident.id);
  if (event.event_type === 'incident.acknowledged')
    return acknowledgeFromPager(services, incident, event.agent ?? undefined);
  if (event.event_type === 'incident.resolved') return noteResolvedInPager(services, incident, event);
  return {
    kind: 'ignored',
    reason: `${event.event_type} changes nothing here`,
    incident: incidentRef(incident),
  };
}

/** Ours by the dedup key we sent (PagerDuty's incident key), else by the PagerDuty id remembered. */
async function incidentOfPage(services: Services, data: PagerIncidentData): Promise<Incident | undefined> {
  const id = DEDUP_KEY.exec(data.incident_key ?? '')?.[1];
  if (id !== undefined) return findIncident(services.db, Number(id));
  return findIncidentByPagerId(services.db, data.id);
}

/** Who acknowledged, as the chat shows them: their chat id when the policy knows their PagerDuty id. */
function ackerOf(services: Services, agent: PagerAgent | undefined): string {
  const person = Object.entries(services.policy.people).find(
    ([, p]) => agent !== undefined && p.pagerduty === agent.id,
  );
  if (person) return platformUserId({ ...person[1], key: person[0] }, services.chat.name) ?? person[0];
  return agent?.summary?.trim() || 'PagerDuty';
}

async function acknowledgeFromPager(
  services: Services,
  incident: Incident,
  agent: PagerAgent | undefined,
): Promise<PagerEventOutcome> {
  const ref = incidentRef(incident);
  if (incident.state !== 'open')
    return { kind: 'ignored', reason: `${ref} was already ${incident.state}`, incident: ref };
  try {
    await acknowledgeIncident(services, incident, ackerOf(services, agent), 'pager');
    return { kind: 'acknowledged', incident: ref };
  } catch (error) {
    // Another delivery (a retry, another replica) won the transition.
    if (isOpsError(error) && error.code === ErrorCode.Conflict)
      return { kind: 'ignored', reason: error.message, incident: ref };
    throw error;
  }
}

async function noteResolvedInPager(
  services: Services,
  incident: Incident,
  event: PagerWebhookEvent,
): Promise<PagerEventOutcome> {
  const ref = incidentRef(incident);
  // Our own resolution comes back from PagerDuty as incident.resolved: nothing to say then.
  if (incident.state === 'resolved')
    return { kind: 'ignored', reason: `${ref} is resolved here too`, incident: ref };
  const agent = event.agent?.summary?.trim();
  const noted = await changeIncident(services, async (tx) => {
    // The event id, recorded in the note's transaction: a second delivery (or replica) finds it.
    if (!(await new DeliveryLog(tx.db).firstDelivery(`pagerduty:${event.id}`))) return undefined;
    const text = `Resolved in PagerDuty${agent ? ` by ${agent}` : ''}; stays open here until resolved with its root cause`;
    await recordEvent(tx, incident, BOT_ACTOR, 'pager-resolved', text);
    const message = incidentMessage(tx, incident, 'pager-resolved', { agent });
    await postInIncident(tx, incident, message, 'the note of a resolution in PagerDuty');
    return incident;
  });
  return noted
    ? { kind: 'noted', incident: ref }
    : { kind: 'ignored', reason: `event ${event.id} was received already`, incident: ref };
}
