// Declare: INC-<n> is stored first, with its timers and every chat step it causes in the same
// transaction — its war room (P0/P1) or its home channel (P2/P3), topic, invitations, the alert with
// its buttons, the announcement in the incidents channel — so the incident exists even while the
// chat platform is down. The steps are then tried at once; what could not be sent yet is retried by
// the outbox, and the caller is told so plainly.
import { pageIncident } from '../paging.js';
import { shorten, textMessage } from '../../chat/message.js';
import { ChatStep } from '../../chat/chat-steps.js';
import { toCaller, toChannel, type Reply } from '../../commands/handler.js';
import type { Severity } from '../../commands/args.js';
import { resolvePerson, type Person } from '../../config/policy.js';
import { badArgument, conflict, describeError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { inTransaction } from '../../core/transaction.js';
import type { Delivery } from '../../scheduler/outbox.js';
import { IncidentAction } from '../incident-action-kinds.js';
import {
  alertKey,
  deliverNow,
  enqueueForIncident,
  enqueueWarRoom,
  isPending,
  pendingChannel,
  postAlert,
  postInIncidentsChannel,
} from '../incident-delivery.js';
import { alertMessage, incidentMessage } from '../incident-messages.js';
import { cleanText, recordEvent } from '../incident-lookup.js';
import { requireIncidentRight } from '../incident-rights.js';
import {
  BOT_ACTOR,
  incidentRef,
  severityLabel,
  type Incident,
  type IncidentButtons,
} from '../incident-model.js';
import {
  channelNameUsed,
  findIncident,
  findOpenIncidentInChannel,
  insertIncident,
  saveButtons,
} from '../incident-store.js';
import { planEscalation, planReminder, planStatusPageDeadline } from '../incident-timers.js';
import { contactsFor, platformUserId, severityPolicy } from '../severity-policy.js';
import { resolveRoles } from '../role-holders.js';
import { candidateName, warRoomName } from '../war-room.js';
import { enqueueDeclarationTriage } from '../../triage/index.js';
import { askAboutTwin, recentTwin } from '../duplicate-declaration.js';

export const DECLARE_USAGE = 'incident p0|p1|p2|p3 <title> [--service S] [--impact TEXT]';
export const MAX_TITLE = 150;

export interface Declaration {
  severity: Severity;
  title: string;
  service?: string;
  impact?: string;
  caller: string;
  /** The channel it was declared in. */
  channel: string;
  /** Called once the incident exists, in its transaction (`tx`: services bound to it; an alert group links it). */
  linked?: (incident: Incident, tx: Services) => Promise<void>;
  /** The caller said "declare another" although the same title was declared here moments ago. */
  confirmedTwin?: boolean;
}

export async function declareIncident(services: Services, d: Declaration): Promise<Reply[]> {
  const title = cleanText(d.title).replace(/\s+/g, ' ');
  if (title === '') throw badArgument('An incident needs a title that says what is broken.', DECLARE_USAGE);
  if (title.length > MAX_TITLE)
    throw badArgument(`The title is too long (at most ${MAX_TITLE} characters).`, DECLARE_USAGE);
  if (d.severity === 'p0')
    await requireIncidentRight(services, {
      caller: d.caller,
      channel: d.channel,
      right: 'raiseToP0',
      target: `P0: ${title}`,
    });
  const twin = d.confirmedTwin ? undefined : await recentTwin(services, d.channel, title);
  if (twin) return askAboutTwin(services, d, title, twin);
  const now = services.now();
  // Whoever holds each notified role at this moment (rotations, PagerDuty schedules).
  const contacts = contactsFor(services.policy, await resolveRoles(services, now), d.severity);
  const callerPerson = resolvePerson(services.policy, services.chat.name, d.caller);
  const home = await chooseHome(services, d, title, now);
  const declared = await inTransaction(services, async (tx) => {
    const created = await insertIncident(tx.db, {
      severity: d.severity,
      title,
      service: optional(d.service),
      impact: optional(d.impact),
      platform: services.chat.name,
      commander: d.caller,
      declaredIn: d.channel,
      channel: home.id,
      channelName: home.name,
      warRoom: home.warRoom,
      startedAt: now,
      notified: [...new Set([...contacts.map((c) => c.key), ...(callerPerson ? [callerPerson.key] : [])])],
    }).catch((error: unknown) => rethrowOpenInChannel(error));
    const incident: Incident = { ...created, buttons: await createButtons(tx, created.id) };
    await saveButtons(tx.db, incident.id, incident.buttons);
    await d.linked?.(incident, tx);
    await planReminder(tx, incident, now);
    await planEscalation(tx, incident, now);
    await planStatusPageDeadline(tx, incident);
    if (home.warRoom) await prepareWarRoom(tx, incident, contacts);
    await postAlert(tx, incident, await alertMessage(tx, incident));
    // Everyone notified hears it directly too, with the summary and where to go (an invitation alone
    // is easy to miss).
    await notifyDirectly(tx, incident, contacts);
    const announcement = incidentMessage(tx, incident, 'incident-announce');
    await postInIncidentsChannel(tx, incident, announcement, 'the announcement');
    // Last in the incident's lane: the triage runs once the war room and the alert are out.
    if (home.warRoom) await enqueueDeclarationTriage(tx, incident);
    await pageIncident(tx, incident, 'declared');
    await tx.audit.record({
      actor: d.caller,
      platform: services.chat.name,
      channel: d.channel,
      event: 'incident.declared',
      target: incidentRef(incident),
      outcome: 'ok',
      detail: { severity: d.severity, title, channel: home.name },
    });
    return incident;
  });
  const delivery = await deliverNow(services, declared);
  const incident = (await findIncident(services.db, declared.id)) ?? declared;
  return declareReplies(services, incident, d.channel, delivery);
}

const optional = (text: string | undefined): string | undefined => {
  const cleaned = text === undefined ? '' : cleanText(text);
  return cleaned === '' ? undefined : cleaned;
};

/**
 * Where the incident will live: a war room (created by the outbox; a placeholder until then, under
 * the first name no incident had), or the channel it was declared in.
 */
async function chooseHome(
  services: Services,
  d: Declaration,
  title: string,
  now: Date,
): Promise<{ id: string; name: string; warRoom: boolean }> {
  if (severityPolicy(services.policy, d.severity).warRoom) {
    const base = warRoomName(title, now, services.config.OATIE_TIMEZONE);
    let attempt = 1;
    while (attempt < 50 && (await channelNameUsed(services.db, candidateName(base, attempt)))) attempt += 1;
    return { id: pendingChannel(), name: candidateName(base, attempt), warRoom: true };
  }
  // Without a war room the incident lives where it was declared; one open incident per channel.
  const existing = await findOpenIncidentInChannel(services.db, d.channel);
  if (existing) throw openInChannel(incidentRef(existing));
  return { id: d.channel, name: d.channel, warRoom: false };
}

const openInChannel = (ref: string) =>
  conflict(
    `${ref} is still open in this channel, and a channel holds one incident without a war room. Declare it from another channel, or resolve ${ref} first.`,
  );

function rethrowOpenInChannel(error: unknown): never {
  // Two declarations racing in one channel: the unique index lets one through.
  if (describeError(error).includes('incidents_one_open_per_channel')) throw openInChannel('An incident');
  throw error;
}

async function createButtons(services: Services, incidentId: number): Promise<IncidentButtons> {
  return {
    ack: await services.actions.create(IncidentAction.Ack, { incidentId }),
    update: await services.actions.create(IncidentAction.Update, { incidentId }),
    resolve: await services.actions.create(IncidentAction.Resolve, { incidentId }),
  };
}

/** Topic and invitations: the commander and the severity's contacts, by their id on this platform. */
async function prepareWarRoom(tx: Services, incident: Incident, contacts: Person[]): Promise<void> {
  const ref = incidentRef(incident);
  const topic = shorten(
    `${ref} ${severityLabel(incident.severity)}: ${incident.title} · status ${incident.status}`,
    250,
  );
  const ids = contacts.flatMap((p) => platformUserId(p, tx.chat.name) ?? []);
  const users = [...new Set([incident.commander, ...ids])];
  await enqueueWarRoom(tx, incident);
  await enqueueForIncident(
    tx,
    incident,
    { kind: ChatStep.Topic, channel: incident.channel, topic },
    'the topic',
  );
  const invite = { kind: ChatStep.Invite, channel: incident.channel, users } as const;
  await enqueueForIncident(tx, incident, invite, 'the invitations');
  await recordEvent(
    tx,
    incident,
    BOT_ACTOR,
    'war-room',
    `War room #${incident.channelName} opened; invited ${users.length}`,
  );
}

/** The severity's contacts get a direct message: the alert's summary and a link to the war room. */
async function notifyDirectly(tx: Services, incident: Incident, contacts: Person[]): Promise<void> {
  const message = incidentMessage(tx, incident, 'incident-notify');
  for (const person of contacts) {
    const id = platformUserId(person, tx.chat.name);
    if (id === undefined || id === incident.commander) continue;
    const dm = { kind: ChatStep.DirectMessage, user: id, message } as const;
    await enqueueForIncident(tx, incident, dm, `the message to ${person.name}`);
  }
  await recordEvent(tx, incident, BOT_ACTOR, 'notified', contacts.map((p) => p.name).join(', '));
}

/**
 * What the caller sees: where it was declared, where the incident went (unless the alert or the
 * announcement is there); privately, what is still on its way and what could not be sent.
 */
async function declareReplies(
  services: Services,
  incident: Incident,
  declaredIn: string,
  delivery: Delivery,
): Promise<Reply[]> {
  const replies: Reply[] = [];
  const ref = incidentRef(incident);
  if (delivery.pending > 0) {
    const alertPending = (await services.outbox.stateOf(alertKey(incident.id))) === 'pending';
    const what = isPending(incident.channel)
      ? 'the war room and the alert'
      : alertPending
        ? 'the alert'
        : 'the announcement';
    const why = delivery.failure ?? 'The chat platform has not taken it yet';
    replies.push(
      toCaller(textMessage(`${ref} declared. ${why}; ${what} will be posted as soon as it answers.`)),
    );
    return replies;
  }
  const incidentsChannel = await services.chat
    .resolveChannel(services.config.OATIE_INCIDENTS_CHANNEL)
    .catch(() => undefined);
  if (declaredIn !== incident.channel && declaredIn !== incidentsChannel) {
    replies.push(toChannel(incidentMessage(services, incident, 'incident-announce')));
  }
  if (delivery.failed.length > 0) {
    const notes = delivery.failed.map((f) => `could not send ${f.what} (${f.error})`).join('; ');
    replies.push(toCaller(textMessage(`⚠️ ${ref} is declared, but: ${notes}.`)));
  }
  return replies;
}
