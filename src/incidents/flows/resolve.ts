// Resolve: the resolution notice (the guide's template, with the duration computed) in the war room
// and the incidents channel, every timer stopped, the post-incident review scheduled.
import { resolvePage } from '../paging.js';
import { badArgument, describeError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { nextBusinessDayAt } from '../business-day.js';
import { changeIncident, postInIncidentAndIncidentsChannel } from '../incident-delivery.js';
import { actionsTaken, incidentMessage, refreshAlert } from '../incident-messages.js';
import { RESOLUTION_KINDS } from '../incident-events.js';
import { applyTransition, cleanText, recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR, incidentRef, type Incident } from '../incident-model.js';
import { markResolved } from '../incident-store.js';
import { scheduleReview, stopIncidentTimers } from '../incident-timers.js';
import { formatDateTime } from '../../core/time-zone.js';

export const RESOLVE_USAGE = 'incident resolve [INC-n] <root cause> [--fix TEXT] [--prevention TEXT]';
const MAX_TEXT = 2000;

export interface ResolutionInput {
  rootCause: string;
  resolution?: string;
  prevention?: string;
  by: string;
}

export async function resolveIncident(
  services: Services,
  incident: Incident,
  input: ResolutionInput,
): Promise<Incident> {
  const zone = services.config.OATIE_TIMEZONE;
  const rootCause = boundedText(input.rootCause, 'The root cause');
  if (rootCause === undefined) throw badArgument('Resolving needs the root cause.', RESOLVE_USAGE);
  const now = services.now();
  const reviewAt = nextBusinessDayAt(now, services.policy.review.time, zone);
  const resolved = await changeIncident(services, async (tx) => {
    const done = await applyTransition(tx, incident, 'resolve', () =>
      markResolved(tx.db, incident.id, {
        by: input.by,
        at: now,
        rootCause,
        resolution: boundedText(input.resolution, 'The resolution'),
        prevention: boundedText(input.prevention, 'The prevention'),
        reviewAt,
      }),
    );
    await stopIncidentTimers(tx, done.id);
    await scheduleReview(tx, done.id, reviewAt);
    await recordEvent(tx, done, input.by, 'resolved', rootCause);
    await recordEvent(
      tx,
      done,
      BOT_ACTOR,
      'review-scheduled',
      `Post-incident review ${formatDateTime(reviewAt, zone)}`,
    );
    await tx.audit.record({
      actor: input.by,
      platform: tx.chat.name,
      channel: done.channel,
      event: 'incident.resolved',
      target: incidentRef(done),
      outcome: 'ok',
      detail: { durationMs: now.getTime() - done.startedAt.getTime(), reviewAt: reviewAt.toISOString() },
    });
    await announceResolution(tx, done);
    await refreshAlert(tx, done);
    await resolvePage(tx, done);
    return done;
  });
  // An outside call, after the commit: the status page hears that it is over (best effort).
  await closeStatusPage(services, resolved);
  return resolved;
}

function boundedText(text: string | undefined, what: string): string | undefined {
  const cleaned = text === undefined ? '' : cleanText(text);
  if (cleaned.length > MAX_TEXT)
    throw badArgument(`${what} is too long (at most ${MAX_TEXT} characters).`, RESOLVE_USAGE);
  return cleaned === '' ? undefined : cleaned;
}

async function announceResolution(tx: Services, incident: Incident): Promise<void> {
  const actions = await actionsTaken(tx, incident, RESOLUTION_KINDS);
  const message = incidentMessage(tx, incident, 'incident-resolved', { actions });
  await postInIncidentAndIncidentsChannel(tx, incident, message, 'the resolution');
}

/** Marks the status page incident resolved, when one was opened. */
async function closeStatusPage(services: Services, incident: Incident): Promise<void> {
  const page = services.targets.statusPage;
  if (!page || incident.statusPageId === undefined) return;
  try {
    // The root cause stays internal; the public page only hears that it is over.
    await page.update(incident.statusPageId, {
      status: 'resolved',
      body: 'This incident has been resolved.',
    });
    await recordEvent(services, incident, BOT_ACTOR, 'status-page', 'Status page incident resolved');
  } catch (error) {
    services.log.warn(
      { incident: incident.id, err: describeError(error) },
      'could not resolve the status page incident',
    );
  }
}
