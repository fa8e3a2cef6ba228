// Response metrics against the policy: per severity, how many incidents, how fast they were
// acknowledged (against the severity's response time) and resolved, how many status updates came
// late against the update interval, and how many escalation steps fired. The same facts feed
// `incident stats` and the Prometheus histograms on /metrics.
import { severities, type Severity } from '../commands/args.js';
import type { Policy } from '../config/policy.js';
import type { Db } from '../store/db.js';
import { eventTimes } from '../incidents/incident-events.js';
import type { Incident } from '../incidents/incident-model.js';
import { listIncidentsSince } from '../incidents/incident-store.js';
import { responseDue } from '../incidents/severity-policy.js';

/** What the statistics need of one incident. */
export interface IncidentFacts {
  severity: Severity;
  startedAt: Date;
  /** The first response: the acknowledgement, or the resolution when nobody acknowledged first. */
  respondedAt: Date | undefined;
  resolvedAt: Date | undefined;
  /** When status updates were posted, in order. */
  updates: Date[];
  escalationSteps: number;
}

export interface Spread {
  median: number;
  p90: number;
}

export interface SeverityStats {
  severity: Severity;
  incidents: number;
  /** Time to acknowledge, over the incidents that got a response. */
  acknowledge: Spread | undefined;
  /** Responses later than the severity's response time, and open incidents past it with none. */
  breached: number;
  resolve: Spread | undefined;
  resolved: number;
  /** Status updates due by the update interval that came late or never came. */
  lateUpdates: number;
  escalationSteps: number;
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[index] ?? 0;
}

function spread(values: number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 0.5), p90: percentile(sorted, 0.9) };
}

/** Updates due every `interval` from the declaration until the resolution (or now): how many were late or missed. */
export function lateUpdates(facts: IncidentFacts, interval: number | null, now: Date): number {
  if (interval === null) return 0;
  const end = (facts.resolvedAt ?? now).getTime();
  let last = facts.startedAt.getTime();
  let late = 0;
  for (const update of facts.updates) {
    const at = update.getTime();
    if (at > end) break;
    if (at - last > interval) late += 1;
    last = at;
  }
  if (end - last > interval) late += 1;
  return late;
}

/** Whether the first response came after the severity's response time (or is overdue with none yet). */
export function breachedResponse(facts: IncidentFacts, policy: Policy, now: Date, zone: string): boolean {
  const due = responseDue(policy, facts.severity, facts.startedAt, zone).getTime();
  return (facts.respondedAt ?? now).getTime() > due;
}

export function computeStats(
  facts: readonly IncidentFacts[],
  policy: Policy,
  now: Date,
  zone: string,
): SeverityStats[] {
  const stats: SeverityStats[] = [];
  for (const severity of severities) {
    const mine = facts.filter((f) => f.severity === severity);
    if (mine.length === 0) continue;
    const interval = policy.severities[severity].updateInterval;
    const breached = mine.filter((f) => breachedResponse(f, policy, now, zone)).length;
    const resolved = mine.filter((f) => f.resolvedAt !== undefined);
    stats.push({
      severity,
      incidents: mine.length,
      acknowledge: spread(
        mine.flatMap((f) => (f.respondedAt ? [f.respondedAt.getTime() - f.startedAt.getTime()] : [])),
      ),
      breached,
      resolve: spread(resolved.map((f) => (f.resolvedAt?.getTime() ?? 0) - f.startedAt.getTime())),
      resolved: resolved.length,
      lateUpdates: mine.reduce((n, f) => n + lateUpdates(f, interval, now), 0),
      escalationSteps: mine.reduce((n, f) => n + f.escalationSteps, 0),
    });
  }
  return stats;
}

export function factsOf(incident: Incident, updates: Date[]): IncidentFacts {
  const respondedAt =
    incident.acknowledgedAt !== undefined &&
    (incident.resolvedAt === undefined || incident.acknowledgedAt <= incident.resolvedAt)
      ? incident.acknowledgedAt
      : incident.resolvedAt;
  return {
    severity: incident.severity,
    startedAt: incident.startedAt,
    respondedAt,
    resolvedAt: incident.resolvedAt,
    updates,
    escalationSteps: incident.escalationStep,
  };
}

/** The facts of the incidents declared since `since`, of one severity when given. */
export async function loadFacts(db: Db, since: Date, severity?: Severity): Promise<IncidentFacts[]> {
  const incidents = await listIncidentsSince(db, since, severity);
  const updates = await eventTimes(
    db,
    incidents.map((i) => i.id),
    'update',
  );
  return incidents.map((i) => factsOf(i, updates.get(i.id) ?? []));
}
