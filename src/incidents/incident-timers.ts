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

type TimerOf = 'reminder' | 'escalation' | 'status-page' | 'review';

const KINDS: Record<TimerOf, string> = {
  reminder: IncidentTimer.Reminder,
  escalation: IncidentTimer.Escalation,
  'status-page': IncidentTimer.StatusPage,
  review: IncidentTimer.Review,
};

export const timerKey = (incidentId: number, what: TimerOf): string => `incident:${incidentId}:${what}`;

/** Payloads carry the generation they belong to; an outdated timer finds the incident moved on and does nothing. */
export interface ReminderPayload {
  incidentId: number;
  seq: number;
}
export interface EscalationPayload {
  incidentId: number;
  step: number;
}

/**
 * (Re)plans the incident's `what` timer at `due`, or now when `due` has passed (it fires at once); with no
 * `due`, cancels it. Returns when it fires.
 */
async function plan(
  services: Services,
  incidentId: number,
  what: TimerOf,
  due: Date | undefined,
  payload: object,
): Promise<Date | undefined> {
  const key = timerKey(incidentId, what);
  // services.db: the flow's transaction when it runs in one (see core/transaction.ts).
  if (due === undefined) {
    await services.scheduler.cancel(key, services.db);
    return undefined;
  }
  const now = services.now();
  const at = due.getTime() >= now.getTime() ? due : now;
  await services.scheduler.reschedule(KINDS[what], key, at, payload, services.db);
  return at;
}

/** Plans the next update reminder one interval after `from` (never in the past); none without an interval. */
export async function planReminder(
  services: Services,
  incident: Incident,
  from: Date,
): Promise<Date | undefined> {
  const interval = severityPolicy(services.policy, incident.severity).updateInterval;
  const due = interval === null ? undefined : new Date(from.getTime() + interval);
  const payload: ReminderPayload = { incidentId: incident.id, seq: incident.reminderSeq };
  return plan(services, incident.id, 'reminder', due, payload);
}

/** The reminder after one that fired at `dueAt`: on the same beat, skipping beats missed while the bot was down. */
export function nextBeat(dueAt: Date, interval: number, now: Date): Date {
  let next = dueAt.getTime() + interval;
  if (next <= now.getTime()) next += Math.ceil((now.getTime() - next + 1) / interval) * interval;
  return new Date(next);
}

/** Plans the next escalation step while nobody has acknowledged: one response time after `from`. */
export async function planEscalation(services: Services, incident: Incident, from: Date): Promise<void> {
  const due =
    incident.state === 'open'
      ? responseDue(services.policy, incident.severity, from, services.config.OATIE_TIMEZONE)
      : undefined;
  const payload: EscalationPayload = { incidentId: incident.id, step: incident.escalationStep };
  await plan(services, incident.id, 'escalation', due, payload);
}

interface NextPayloads {
  reminder: ReminderPayload;
  escalation: EscalationPayload;
}

/** Schedules the next reminder or escalation step in `tx`, the transaction that claimed the one firing now. */
export async function scheduleNext<W extends keyof NextPayloads>(
  services: Services,
  tx: Db,
  what: W,
  payload: NextPayloads[W],
  due: Date,
): Promise<void> {
  await services.scheduler.schedule(KINDS[what], due, payload, timerKey(payload.incidentId, what), tx);
}

/** Plans the status page deadline (P0): due that long after the start unless the page was updated. */
export async function planStatusPageDeadline(services: Services, incident: Incident): Promise<void> {
  const deadline = severityPolicy(services.policy, incident.severity).statusPageDeadline;
  const due =
    deadline === null || incident.statusPageAt !== undefined || incident.state === 'resolved'
      ? undefined
      : new Date(incident.startedAt.getTime() + deadline);
  await plan(services, incident.id, 'status-page', due, { incidentId: incident.id });
}

export async function scheduleReview(services: Services, incidentId: number, at: Date): Promise<void> {
  await plan(services, incidentId, 'review', at, { incidentId });
}

/** Cancels every pending timer of the incident. */
export async function stopIncidentTimers(services: Services, incidentId: number): Promise<number> {
  return services.scheduler.cancel(`incident:${incidentId}:*`, services.db);
}
