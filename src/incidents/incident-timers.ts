// The incident's durable timers: kinds, keys and when each is due. Every timer is keyed
// `incident:<id>:<what>`, so resolving cancels them all with one prefix.
import type { Services } from '../core/services.js';
import type { Db } from '../store/db.js';
import type { Incident } from './incident-model.js';
import { responseDue, severityPolicy } from './severity-policy.js';

export const IncidentTimer = {
  Reminder: 'incident.reminder',
  Escalation: 'incident.escalation',
  StatusPage: 'incident.status-page',
  Review: 'incident.review',
} as const;

export const timerKey = (
  incidentId: number,
  what: 'reminder' | 'escalation' | 'status-page' | 'review',
): string => `incident:${incidentId}:${what}`;

/** Payloads carry the generation they belong to; an outdated timer finds the incident moved on and does nothing. */
export interface ReminderPayload {
  incidentId: number;
  seq: number;
}
export interface EscalationPayload {
  incidentId: number;
  step: number;
}

const later = (a: Date, b: Date): Date => (a.getTime() >= b.getTime() ? a : b);

/** Plans the next update reminder one interval after `from` (never in the past); none without an interval. */
export async function planReminder(
  services: Services,
  incident: Incident,
  from: Date,
): Promise<Date | undefined> {
  const key = timerKey(incident.id, 'reminder');
  const interval = severityPolicy(services.policy, incident.severity).updateInterval;
  if (interval === null) {
    await services.scheduler.cancel(key);
    return undefined;
  }
  const due = later(new Date(from.getTime() + interval), services.now());
  const payload: ReminderPayload = { incidentId: incident.id, seq: incident.reminderSeq };
  await services.scheduler.reschedule(IncidentTimer.Reminder, key, due, payload);
  return due;
}

/** The reminder after one that fired at `dueAt`: on the same beat, skipping beats missed while the bot was down. */
export function nextBeat(dueAt: Date, interval: number, now: Date): Date {
  let next = dueAt.getTime() + interval;
  if (next <= now.getTime()) next += Math.ceil((now.getTime() - next + 1) / interval) * interval;
  return new Date(next);
}

export async function scheduleNextReminder(
  services: Services,
  tx: Db,
  payload: ReminderPayload,
  due: Date,
): Promise<void> {
  await services.scheduler.schedule(
    IncidentTimer.Reminder,
    due,
    payload,
    timerKey(payload.incidentId, 'reminder'),
    tx,
  );
}

/** Plans the next escalation step while nobody has acknowledged: one response time after `from`. */
export async function planEscalation(services: Services, incident: Incident, from: Date): Promise<void> {
  const key = timerKey(incident.id, 'escalation');
  if (incident.state !== 'open') {
    await services.scheduler.cancel(key);
    return;
  }
  const due = later(
    responseDue(services.policy, incident.severity, from, services.config.OATIE_TIMEZONE),
    services.now(),
  );
  const payload: EscalationPayload = { incidentId: incident.id, step: incident.escalationStep };
  await services.scheduler.reschedule(IncidentTimer.Escalation, key, due, payload);
}

export async function scheduleNextEscalation(
  services: Services,
  tx: Db,
  payload: EscalationPayload,
  due: Date,
): Promise<void> {
  await services.scheduler.schedule(
    IncidentTimer.Escalation,
    due,
    payload,
    timerKey(payload.incidentId, 'escalation'),
    tx,
  );
}

/** Plans the status page deadline (P0): due that long after the start unless the page was updated. */
export async function planStatusPageDeadline(services: Services, incident: Incident): Promise<void> {
  const key = timerKey(incident.id, 'status-page');
  const deadline = severityPolicy(services.policy, incident.severity).statusPageDeadline;
  if (deadline === null || incident.statusPageAt !== undefined || incident.state === 'resolved') {
    await services.scheduler.cancel(key);
    return;
  }
  const due = later(new Date(incident.startedAt.getTime() + deadline), services.now());
  await services.scheduler.reschedule(IncidentTimer.StatusPage, key, due, { incidentId: incident.id });
}

/** Cancels every pending timer of the incident. */
export async function stopIncidentTimers(services: Services, incidentId: number): Promise<number> {
  return services.scheduler.cancel(`incident:${incidentId}:*`);
}

export async function scheduleReview(services: Services, incidentId: number, at: Date): Promise<void> {
  await services.scheduler.reschedule(IncidentTimer.Review, timerKey(incidentId, 'review'), at, {
    incidentId,
  });
}
