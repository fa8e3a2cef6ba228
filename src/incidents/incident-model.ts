// What an incident is, and its state machine: open → acknowledged → resolved (open → resolved too).
// Transitions are guarded here; the store applies them with conditional updates so that two
// clicks, two commands or two replicas cannot both win.
import { mention } from '../chat/message.js';
import type { PostedMessage } from '../chat/platform.js';
import type { Severity, UpdateStatus } from '../commands/args.js';
import { conflict, type OpsError } from '../core/errors.js';
import { formatTime } from '../core/time-zone.js';

export type IncidentState = 'open' | 'acknowledged' | 'resolved';

/** The stored actions behind the alert's buttons (ids from services.actions). */
export interface IncidentButtons {
  ack?: string;
  update?: string;
  resolve?: string;
}

export interface Incident {
  id: number;
  severity: Severity;
  title: string;
  service: string | undefined;
  impact: string | undefined;
  state: IncidentState;
  /** The status people report in updates; `resolved` once resolved. */
  status: UpdateStatus | 'resolved';
  platform: string;
  /** Platform user id of the incident commander (the declarer). */
  commander: string;
  /** The channel the incident was declared in. */
  declaredIn: string;
  /** Where the incident lives: its war room, or the channel it was declared in when it has none. */
  channel: string;
  channelName: string;
  warRoom: boolean;
  startedAt: Date;
  /** The declaration or the last update: reminders count from here. */
  lastUpdateAt: Date;
  acknowledgedAt: Date | undefined;
  acknowledgedBy: string | undefined;
  resolvedAt: Date | undefined;
  resolvedBy: string | undefined;
  rootCause: string | undefined;
  resolution: string | undefined;
  prevention: string | undefined;
  reviewAt: Date | undefined;
  /** The expected resolution, from the last update that gave one (`--eta`). */
  etaAt: Date | undefined;
  /** Policy keys of the people notified so far (contacts and escalation steps). */
  notified: string[];
  /** Generation of the reminder clock: a reminder timer of an older generation does nothing. */
  reminderSeq: number;
  /** How many escalation steps have fired. */
  escalationStep: number;
  statusPageId: string | undefined;
  statusPageAt: Date | undefined;
  alertMessage: PostedMessage | undefined;
  buttons: IncidentButtons;
}

export interface IncidentEvent {
  id: number;
  at: Date;
  /** Platform user id, or `oatie` for what the bot did by itself. */
  actor: string;
  kind: string;
  text: string;
}

/** The bot, as the actor of timeline events nobody typed. */
export const BOT_ACTOR = 'oatie';

export const incidentRef = (incident: Pick<Incident, 'id'>): string => `INC-${incident.id}`;

export const severityLabel = (severity: Severity): string => severity.toUpperCase();

export type Transition = 'acknowledge' | 'resolve' | 'update' | 'change severity';

const ALLOWED: Record<Transition, readonly IncidentState[]> = {
  acknowledge: ['open'],
  resolve: ['open', 'acknowledged'],
  update: ['open', 'acknowledged'],
  'change severity': ['open', 'acknowledged'],
};

/** What a transition makes of an incident, in answers. */
const DONE: Record<Transition, string> = {
  acknowledge: 'acknowledged',
  resolve: 'resolved',
  update: 'updated',
  'change severity': 'changed',
};

export function canTransition(incident: Pick<Incident, 'state'>, transition: Transition): boolean {
  return ALLOWED[transition].includes(incident.state);
}

/** Throws a conflict people can read when `transition` is not allowed in the incident's state. */
export function guardTransition(incident: Incident, transition: Transition, zone: string): void {
  if (canTransition(incident, transition)) return;
  const ref = incidentRef(incident);
  if (incident.state === 'resolved') {
    const when = incident.resolvedAt ? ` at ${formatTime(incident.resolvedAt, zone)}` : '';
    const again = transition === 'resolve' ? ' again' : '';
    throw conflict(`${ref} was already resolved${when}: it can no longer be ${DONE[transition]}${again}.`);
  }
  // Only `acknowledge` is refused on an acknowledged incident.
  const who = incident.acknowledgedBy ? ` by ${mention(incident.acknowledgedBy)}` : '';
  const when = incident.acknowledgedAt ? ` at ${formatTime(incident.acknowledgedAt, zone)}` : '';
  throw conflict(`${ref} was already acknowledged${who}${when}; escalation is already stopped.`);
}

/** The conflict when a transition that was allowed lost a race the store could not explain: try again. */
export const transitionLost = (incident: Incident, transition: Transition): OpsError =>
  conflict(`${incidentRef(incident)} could not be ${DONE[transition]}; try again.`);
