// Paging on-call through the pager port (PagerDuty): a P0 or P1 pages when declared and at each
// escalation step, under one dedup key per incident (so repeats and replicas update one page, never
// page twice); acknowledging or resolving the incident acknowledges or resolves the page. Best
// effort: a pager that fails is logged and the incident goes on in chat.
import { describeError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type { PageSeverity } from '../targets/targets.js';
import { incidentRef, severityLabel, type Incident } from './incident-model.js';

const PAGED: Partial<Record<Incident['severity'], PageSeverity>> = { p0: 'critical', p1: 'critical' };

/** The page's dedup key: one per incident. */
export const pageKey = (incident: Pick<Incident, 'id'>): string => `oatie-ops-${incidentRef(incident)}`;

async function bestEffortPage(
  services: Services,
  incident: Incident,
  what: string,
  call: () => Promise<void>,
) {
  try {
    await call();
  } catch (error) {
    services.log.warn({ incident: incident.id, err: describeError(error), page: what }, 'paging failed');
  }
}

/** Triggers (or updates) the incident's page, when it is a P0 or P1 and a pager is configured. */
export async function pageIncident(services: Services, incident: Incident, why: string): Promise<void> {
  const pager = services.targets.pager;
  const severity = PAGED[incident.severity];
  if (!pager || !severity) return;
  await bestEffortPage(services, incident, 'trigger', () =>
    pager.trigger({
      dedupKey: pageKey(incident),
      summary: `${incidentRef(incident)} ${severityLabel(incident.severity)}: ${incident.title} (${why})`,
      severity,
      source: `oatie-ops ${incident.channelName}`,
      details: { incident: incidentRef(incident), channel: incident.channelName, why },
    }),
  );
}

export async function acknowledgePage(services: Services, incident: Incident): Promise<void> {
  const pager = services.targets.pager;
  if (!pager || !PAGED[incident.severity]) return;
  await bestEffortPage(services, incident, 'acknowledge', () => pager.acknowledge(pageKey(incident)));
}

export async function resolvePage(services: Services, incident: Incident): Promise<void> {
  const pager = services.targets.pager;
  if (!pager || !PAGED[incident.severity]) return;
  await bestEffortPage(services, incident, 'resolve', () => pager.resolve(pageKey(incident)));
}
