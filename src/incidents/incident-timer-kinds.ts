// The durable timers of incidents and what each runs (registered in src/app.ts).
import type { TimerKind } from '../scheduler/timer-kinds.js';
import { escalateIncident } from './flows/escalate.js';
import { remindToUpdate } from './flows/remind.js';
import { remindReview } from './flows/review.js';
import { remindStatusPage } from './flows/status-page-deadline.js';
import { IncidentTimer } from './incident-timers.js';

export const incidentTimerKinds: readonly TimerKind[] = [
  { kind: IncidentTimer.Reminder, run: (timer, services) => remindToUpdate(services, timer) },
  { kind: IncidentTimer.Escalation, run: (timer, services) => escalateIncident(services, timer) },
  { kind: IncidentTimer.StatusPage, run: (timer, services) => remindStatusPage(services, timer) },
  { kind: IncidentTimer.Review, run: (timer, services) => remindReview(services, timer) },
];
