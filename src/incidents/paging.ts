// Paging on-call through the pager port (PagerDuty): a P0 or P1 pages when declared, when raised to
// P0/P1 and at each escalation step, under one dedup key per incident (so repeats, replicas and
// retries update one page, never page twice); acknowledging or resolving the incident acknowledges or
// resolves the page. Each page event is an outbox step, enqueued in the transaction of the change that
// causes it, in a lane of its own per incident: events go in order (trigger before acknowledge before
// resolve), a pager that fails is retried with backoff until it answers (the delivery policy's
// retryFor; then the failure is reported in chat), and a chat platform that is down never holds a
// page back, nor a pager that is down the incident's messages.
import { z } from 'zod';
import type { Services } from '../core/services.js';
import type { StepKind } from '../scheduler/step-kinds.js';
import type { PageSeverity } from '../targets/targets.js';
import { incidentRef, severityLabel, type Incident } from './incident-model.js';

const PAGED: Partial<Record<Incident['severity'], PageSeverity>> = { p0: 'critical', p1: 'critical' };

/** The page's dedup key: one per incident. */
export const pageKey = (incident: Pick<Incident, 'id'>): string => `oatie-ops-${incidentRef(incident)}`;

/** The outbox lane of an incident's page events. */
export const pageLane = (incidentId: number): string => `page:${incidentId}`;

const PAGE_STEP = 'incident.page';

const pageEvent = z.object({
  dedupKey: z.string().min(1),
  summary: z.string(),
  severity: z.enum(['critical', 'error', 'warning', 'info']),
  source: z.string(),
  details: z.record(z.string(), z.string()).optional(),
});
const pagePayload = z.discriminatedUnion('action', [
  z.object({ action: z.literal('trigger'), event: pageEvent }),
  z.object({ action: z.enum(['acknowledge', 'resolve']), dedupKey: z.string().min(1) }),
]);
type PagePayload = z.infer<typeof pagePayload>;

async function enqueuePage(tx: Services, incident: Incident, page: PagePayload, what: string): Promise<void> {
  await tx.outbox.enqueue(tx.db, {
    kind: PAGE_STEP,
    lane: pageLane(incident.id),
    payload: { ...page, what: `${what} of ${incidentRef(incident)}` },
  });
}

/** Triggers (or updates) the incident's page, when it is a P0 or P1 and a pager is configured; in `tx`. */
export async function pageIncident(tx: Services, incident: Incident, why: string): Promise<void> {
  const severity = PAGED[incident.severity];
  if (!tx.targets.pager || !severity) return;
  const event = {
    dedupKey: pageKey(incident),
    summary: `${incidentRef(incident)} ${severityLabel(incident.severity)}: ${incident.title} (${why})`,
    severity,
    source: `oatie-ops ${incident.channelName}`,
    details: { incident: incidentRef(incident), channel: incident.channelName, why },
  };
  await enqueuePage(tx, incident, { action: 'trigger', event }, 'the page');
}

/** Acknowledges the incident's page (when it was one that pages); in `tx`. */
export async function acknowledgePage(tx: Services, incident: Incident): Promise<void> {
  if (!tx.targets.pager || !PAGED[incident.severity]) return;
  const page = { action: 'acknowledge' as const, dedupKey: pageKey(incident) };
  await enqueuePage(tx, incident, page, "the page's acknowledgement");
}

/** Resolves the incident's page (when it was one that pages); in `tx`. */
export async function resolvePage(tx: Services, incident: Incident): Promise<void> {
  if (!tx.targets.pager || !PAGED[incident.severity]) return;
  await enqueuePage(
    tx,
    incident,
    { action: 'resolve', dedupKey: pageKey(incident) },
    "the page's resolution",
  );
}

const pageStep: StepKind = {
  kind: PAGE_STEP,
  async send(step, services) {
    const page = pagePayload.parse(step.payload);
    const pager = services.targets.pager;
    // The pager was configured when the step was enqueued and is not now (a restart without it).
    if (!pager) return { skipped: 'no pager configured' };
    if (page.action === 'trigger') await pager.trigger(page.event);
    else if (page.action === 'acknowledge') await pager.acknowledge(page.dedupKey);
    else await pager.resolve(page.dedupKey);
    return { sent: page.action };
  },
};

export const pageStepKinds: readonly StepKind[] = [pageStep];
