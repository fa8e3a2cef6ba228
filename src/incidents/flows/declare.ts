// Declare: INC-<n>, its war room (P0/P1) or its home channel (P2/P3), invitations, the alert with
// its buttons, the announcement in the incidents channel, and the timers (reminders, escalation,
// status page deadline).
import { pageIncident } from '../paging.js';
import { shorten, textMessage } from '../../chat/message.js';
import { toCaller, toChannel, type Reply } from '../../commands/handler.js';
import type { Severity } from '../../commands/args.js';
import { resolvePerson, type Person } from '../../config/policy.js';
import { badArgument, conflict, describeError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { IncidentAction } from '../incident-action-kinds.js';
import { alertMessage, incidentMessage } from '../incident-messages.js';
import { bestEffort, cleanText, postToIncident, recordEvent } from '../incident-lookup.js';
import { requireIncidentRight } from '../incident-rights.js';
import {
  BOT_ACTOR,
  incidentRef,
  severityLabel,
  type Incident,
  type IncidentButtons,
} from '../incident-model.js';
import { channelNameUsed, findOpenIncidentInChannel, insertIncident, saveAlert } from '../incident-store.js';
import { planEscalation, planReminder, planStatusPageDeadline } from '../incident-timers.js';
import { contactsFor, platformUserId, severityPolicy } from '../severity-policy.js';
import { openWarRoom, warRoomName } from '../war-room.js';
import { triageNewIncident } from '../../triage/declare-hook.js';
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
  /** Called once the incident exists (an alert group links it). */
  linked?: (incident: Incident) => Promise<void>;
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
  const contacts = contactsFor(services.policy, d.severity);
  const callerPerson = resolvePerson(services.policy, services.chat.name, d.caller);
  const home = await openHome(services, d, title, now);
  const created = await insertIncident(services.db, {
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
  const incident: Incident = { ...created, buttons: await createButtons(services, created.id) };
  await d.linked?.(incident);
  await planReminder(services, incident, now);
  await planEscalation(services, incident, now);
  await planStatusPageDeadline(services, incident);
  const notes = home.warRoom ? await prepareWarRoom(services, incident, contacts) : [];
  const alert = await postToIncident(services, incident, await alertMessage(services, incident));
  await saveAlert(services.db, incident.id, alert, incident.buttons);
  // Everyone notified hears it directly too, with the summary and where to go (an invitation alone
  // is easy to miss).
  notes.push(...(await notifyDirectly(services, incident, contacts)));
  const announced = await announce(services, incident, notes);
  await pageIncident(services, incident, 'declared');
  await services.audit.record({
    actor: d.caller,
    platform: services.chat.name,
    channel: d.channel,
    event: 'incident.declared',
    target: incidentRef(incident),
    outcome: 'ok',
    detail: { severity: d.severity, title, channel: home.name },
  });
  if (home.warRoom) await triageNewIncident(services, incident);
  return declareReplies(services, incident, d.channel, announced, notes);
}

const optional = (text: string | undefined): string | undefined => {
  const cleaned = text === undefined ? '' : cleanText(text);
  return cleaned === '' ? undefined : cleaned;
};

async function openHome(
  services: Services,
  d: Declaration,
  title: string,
  now: Date,
): Promise<{ id: string; name: string; warRoom: boolean }> {
  if (severityPolicy(services.policy, d.severity).warRoom) {
    const base = warRoomName(title, now, services.config.OATIE_TIMEZONE);
    const room = await openWarRoom(services.chat, base, (name) => channelNameUsed(services.db, name));
    return { ...room, warRoom: true };
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
async function prepareWarRoom(services: Services, incident: Incident, contacts: Person[]): Promise<string[]> {
  const ref = incidentRef(incident);
  const topic = shorten(
    `${ref} ${severityLabel(incident.severity)}: ${incident.title} · status ${incident.status}`,
    250,
  );
  const ids = contacts.flatMap((p) => platformUserId(p, services.chat.name) ?? []);
  const users = [...new Set([incident.commander, ...ids])];
  const notes = [
    await bestEffort(services, 'set the war room topic', () =>
      services.chat.setTopic(incident.channel, topic),
    ),
    await bestEffort(services, 'invite everyone to the war room', () =>
      services.chat.invite(incident.channel, users),
    ),
  ];
  await recordEvent(
    services,
    incident,
    BOT_ACTOR,
    'war-room',
    `War room #${incident.channelName} opened; invited ${users.length}`,
  );
  return notes.filter((n): n is string => n !== undefined);
}

/** The severity's contacts get a direct message: the alert's summary and a link to the war room. */
async function notifyDirectly(services: Services, incident: Incident, contacts: Person[]): Promise<string[]> {
  const message = incidentMessage(services, incident, 'incident-notify');
  const notes: string[] = [];
  for (const person of contacts) {
    const id = platformUserId(person, services.chat.name);
    if (id === undefined || id === incident.commander) continue;
    const note = await bestEffort(services, `notify ${person.name}`, () =>
      services.chat.directMessage(id, message),
    );
    if (note) notes.push(note);
  }
  await recordEvent(services, incident, BOT_ACTOR, 'notified', contacts.map((p) => p.name).join(', '));
  return notes;
}

/** The announcement in the incidents channel (not when the incident lives there already). */
async function announce(
  services: Services,
  incident: Incident,
  notes: string[],
): Promise<string | undefined> {
  let channel: string;
  try {
    channel = await services.chat.resolveChannel(services.config.OATIE_INCIDENTS_CHANNEL);
  } catch {
    notes.push(
      `Could not find the incidents channel ${services.config.OATIE_INCIDENTS_CHANNEL} (OATIE_INCIDENTS_CHANNEL).`,
    );
    return undefined;
  }
  if (channel === incident.channel) return channel;
  const message = incidentMessage(services, incident, 'incident-announce');
  const note = await bestEffort(services, 'announce it in the incidents channel', () =>
    services.chat.post(channel, message),
  );
  if (note) notes.push(note);
  return channel;
}

function declareReplies(
  services: Services,
  incident: Incident,
  declaredIn: string,
  incidentsChannel: string | undefined,
  notes: string[],
): Reply[] {
  const replies: Reply[] = [];
  // Where it was declared, people see where the incident went (unless the alert or announcement is there).
  if (declaredIn !== incident.channel && declaredIn !== incidentsChannel) {
    replies.push(toChannel(incidentMessage(services, incident, 'incident-announce')));
  }
  if (notes.length > 0)
    replies.push(toCaller(textMessage(`⚠️ ${incidentRef(incident)} is declared, but: ${notes.join(' ')}`)));
  return replies;
}
