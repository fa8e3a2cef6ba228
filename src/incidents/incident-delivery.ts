// How an incident reaches chat: every message, invitation and card update is an outbox step in the
// incident's lane (so they go in order: the war room, its topic, the invitations, the alert, then
// reminders …), enqueued in the transaction of the change that causes it. Until the war room exists
// the incident's channel is a placeholder; steps carry it with a ref to the war room step, and the
// war room step moves the incident into the real channel once the platform has created it.
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { chatStep, ChatStep, type ChatAction } from '../chat/chat-steps.js';
import type { Message } from '../chat/message.js';
import type { Services } from '../core/services.js';
import { inTransaction } from '../core/transaction.js';
import type { Delivery } from '../scheduler/outbox.js';
import type { StepKind } from '../scheduler/step-kinds.js';
import { incidentRef, type Incident } from './incident-model.js';
import { channelNameUsed, moveIntoWarRoom } from './incident-store.js';
import { pageLane, pageStepKinds } from './paging.js';
import { openWarRoom } from './war-room.js';

export const incidentLane = (incidentId: number): string => `incident:${incidentId}`;
const warRoomKey = (incidentId: number): string => `incident:${incidentId}:war-room`;
export const alertKey = (incidentId: number): string => `incident:${incidentId}:alert`;

const PENDING = 'pending-war-room-';
/** The channel an incident has until its war room is created. */
export const pendingChannel = (): string => `${PENDING}${randomUUID()}`;
export const isPending = (channel: string): boolean => channel.startsWith(PENDING);

/** Refs a step needs while the incident's channel is still a placeholder. */
const refsOf = (incident: Pick<Incident, 'id' | 'channel'>): Record<string, string> =>
  isPending(incident.channel) ? { [incident.channel]: warRoomKey(incident.id) } : {};

/** Enqueues a chat action of the incident, in `tx` (services bound to the flow's transaction). */
export async function enqueueForIncident(
  tx: Services,
  incident: Pick<Incident, 'id' | 'channel'>,
  action: ChatAction,
  what: string,
  key?: string,
): Promise<void> {
  const options = { lane: incidentLane(incident.id), what: `${what} of ${incidentRef(incident)}`, key };
  await tx.outbox.enqueue(tx.db, chatStep(action, { ...options, refs: refsOf(incident) }));
}

/** A message in the channel the incident lives in. */
export async function postInIncident(
  tx: Services,
  incident: Incident,
  message: Message,
  what: string,
): Promise<void> {
  await enqueueForIncident(tx, incident, { kind: ChatStep.Post, channel: incident.channel, message }, what);
}

/**
 * A reminder to post an update. One still waiting (the platform was down) is dropped: people get the
 * latest reminder once the platform answers, not a burst of stale ones.
 */
export async function postReminder(
  tx: Services,
  incident: Incident,
  message: Message,
  seq: number,
): Promise<void> {
  const prefix = `incident:${incident.id}:reminder:`;
  await tx.outbox.supersede(tx.db, prefix);
  const action: ChatAction = { kind: ChatStep.Post, channel: incident.channel, message };
  await enqueueForIncident(tx, incident, action, 'a reminder', `${prefix}${seq}`);
}

/** The alert, posted once; later card updates find it by its step. */
export async function postAlert(tx: Services, incident: Incident, message: Message): Promise<void> {
  const action: ChatAction = { kind: ChatStep.Post, channel: incident.channel, message };
  await enqueueForIncident(tx, incident, action, 'the alert', alertKey(incident.id));
}

/** The alert, edited to `message` (alerts posted before the outbox are found by their stored ts). */
export async function updateAlert(tx: Services, incident: Incident, message: Message): Promise<void> {
  const target = incident.alertMessage ?? { step: alertKey(incident.id) };
  await enqueueForIncident(tx, incident, { kind: ChatStep.Update, target, message }, 'an alert update');
}

/** A message in the incidents channel (looked up by name when sent), unless the incident lives there. */
export async function postInIncidentsChannel(
  tx: Services,
  incident: Incident,
  message: Message,
  what: string,
): Promise<void> {
  const action: ChatAction = {
    kind: ChatStep.Post,
    channel: tx.config.OATIE_INCIDENTS_CHANNEL,
    byName: true,
    unless: incident.channel,
    message,
  };
  await enqueueForIncident(tx, incident, action, what);
}

/** A message in the incident's channel and in the incidents channel (once, when they are the same). */
export async function postInIncidentAndIncidentsChannel(
  tx: Services,
  incident: Incident,
  message: Message,
  what: string,
): Promise<void> {
  await postInIncident(tx, incident, message, what);
  await postInIncidentsChannel(tx, incident, message, `${what} in the incidents channel`);
}

/** Creates the war room (see war-room.ts) and enqueues it first in the incident's lane. */
export async function enqueueWarRoom(tx: Services, incident: Incident): Promise<void> {
  await tx.outbox.enqueue(tx.db, {
    kind: WAR_ROOM_STEP,
    lane: incidentLane(incident.id),
    key: warRoomKey(incident.id),
    payload: {
      incidentId: incident.id,
      base: incident.channelName,
      placeholder: incident.channel,
      what: `the war room of ${incidentRef(incident)}`,
    },
  });
}

const WAR_ROOM_STEP = 'incident.war-room';
const warRoomPayload = z.object({ incidentId: z.number().int(), base: z.string(), placeholder: z.string() });
const triedSchema = z.object({ tried: z.array(z.string()) }).catch({ tried: [] });

const warRoomStep: StepKind = {
  kind: WAR_ROOM_STEP,
  async send(step, services, context) {
    const p = warRoomPayload.parse(step.payload);
    const tried = triedSchema.parse(step.progress ?? {}).tried;
    const room = await openWarRoom(
      services.chat,
      p.base,
      (name) => channelNameUsed(services.db, name, p.incidentId),
      { names: tried, record: (names) => context.saveProgress({ tried: names }) },
    );
    await moveIntoWarRoom(services.db, p.incidentId, p.placeholder, room);
    return room;
  },
};

export const incidentStepKinds: readonly StepKind[] = [warRoomStep, ...pageStepKinds];

/**
 * Tries the incident's steps at once (the happy path stays as fast as direct calls), and its page
 * events beside them (paging.ts: a lane of their own, so neither waits for the other's platform);
 * says what of the incident's messages waits.
 */
export async function deliverNow(services: Services, incident: Pick<Incident, 'id'>): Promise<Delivery> {
  const [delivery] = await Promise.all([
    services.outbox.deliver(incidentLane(incident.id)),
    services.targets.pager ? services.outbox.deliver(pageLane(incident.id)) : undefined,
  ]);
  return delivery;
}

/**
 * Runs `change` in one transaction (the state change and the steps it causes commit together),
 * then tries the incident's steps at once. Returns what `change` returned.
 */
export async function changeIncident<T extends { id: number } | undefined>(
  services: Services,
  change: (tx: Services) => Promise<T>,
): Promise<T> {
  const changed = await inTransaction(services, change);
  if (changed !== undefined) await deliverNow(services, changed);
  return changed;
}
