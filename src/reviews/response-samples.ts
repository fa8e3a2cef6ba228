// The response facts of recent incidents, as the /metrics histograms take them: computed from the
// store at each scrape, so every replica reports the same figures and a restart loses none.
import type { Services } from '../core/services.js';
import { breachedResponse, lateUpdates, loadFacts } from './incident-stats.js';

/** One incident's response, in seconds; undefined where it has not happened yet. */
export interface ResponseSample {
  severity: string;
  acknowledgeSeconds: number | undefined;
  resolveSeconds: number | undefined;
  /** Whether the first response came after the severity's response time (or is overdue). */
  breached: boolean;
  lateUpdates: number;
  escalationSteps: number;
}

/** How far back /metrics looks: a year of incidents. */
const WINDOW_MS = 365 * 24 * 3600 * 1000;

export async function responseSamples(services: Services): Promise<ResponseSample[]> {
  const now = services.now();
  const facts = await loadFacts(services.db, new Date(now.getTime() - WINDOW_MS));
  return facts.map((f) => {
    return {
      severity: f.severity,
      acknowledgeSeconds: f.respondedAt
        ? (f.respondedAt.getTime() - f.startedAt.getTime()) / 1000
        : undefined,
      resolveSeconds: f.resolvedAt ? (f.resolvedAt.getTime() - f.startedAt.getTime()) / 1000 : undefined,
      breached: breachedResponse(f, services.policy, now, services.config.OATIE_TIMEZONE),
      lateUpdates: lateUpdates(f, services.policy.severities[f.severity].updateInterval, now),
      escalationSteps: f.escalationSteps,
    };
  });
}
