// Post an update: new status, the text in "Actions taken", the update clock restarted (the next
// reminder moves to one interval after now), and with --public the status page too.
import { toCaller, type Reply } from '../../commands/handler.js';
import type { UpdateStatus } from '../../commands/args.js';
import { textMessage } from '../../chat/message.js';
import { badArgument, describeError, isOpsError } from '../../core/errors.js';
import type { Services } from '../../core/services.js';
import { changeIncident, postInIncident } from '../incident-delivery.js';
import { incidentMessage, refreshAlert } from '../incident-messages.js';
import { applyTransition, cleanText, recordEvent } from '../incident-lookup.js';
import { BOT_ACTOR, guardTransition, incidentRef, type Incident } from '../incident-model.js';
import { requireIncidentRight } from '../incident-rights.js';
import { markUpdated, saveStatusPage } from '../incident-store.js';
import { planReminder, timerKey } from '../incident-timers.js';

export const UPDATE_USAGE =
  'incident update [INC-n] <investigating|identified|monitoring> <text> [--eta 45m] [--public]';
export const MAX_UPDATE = 2000;

export interface Update {
  status: UpdateStatus;
  text: string;
  public: boolean;
  /** Expected time to resolution from now, in milliseconds (`--eta`). */
  etaMs?: number;
  author: string;
}

export async function postIncidentUpdate(
  services: Services,
  incident: Incident,
  update: Update,
): Promise<Reply[]> {
  const text = cleanText(update.text);
  if (text === '') throw badArgument('An update needs a text saying what changed.', UPDATE_USAGE);
  if (text.length > MAX_UPDATE)
    throw badArgument(`The update is too long (at most ${MAX_UPDATE} characters).`, UPDATE_USAGE);
  // Checked before anything happens: a refused --public update is not half posted.
  if (update.public)
    await requireIncidentRight(services, {
      caller: update.author,
      channel: incident.channel,
      right: 'publishStatusPage',
      target: incidentRef(incident),
    });
  guardTransition(incident, 'update', services.config.OATIE_TIMEZONE);
  // The status page is an outside call: made before the transaction, which records its outcome.
  const publicResult = update.public
    ? await postPublicly(services, incident, update.status, text)
    : undefined;
  await changeIncident(services, async (tx) => {
    const updated = await applyTransition(tx, incident, 'update', () =>
      markUpdated(tx.db, incident.id, update.status, tx.now(), etaOf(tx, update.etaMs)),
    );
    await recordEvent(tx, updated, update.author, 'update', text);
    const nextUpdateDue = await planReminder(tx, updated, updated.lastUpdateAt);
    if (publicResult?.ok) await recordStatusPage(tx, updated, publicResult.id, update.status);
    const message = incidentMessage(tx, updated, 'incident-update', {
      text,
      author: update.author,
      publicPosted: publicResult?.ok === true,
      nextUpdateDue,
    });
    await postInIncident(tx, updated, message, 'an update');
    await refreshAlert(tx, updated);
    return updated;
  });
  return publicResult && !publicResult.ok ? [toCaller(textMessage(publicResult.note))] : [];
}

const etaOf = (services: Services, ms: number | undefined): Date | undefined =>
  ms === undefined ? undefined : new Date(services.now().getTime() + ms);

type PublicResult = { ok: true; id: string } | { ok: false; note: string };

/** Posts the update to the status page: opens its incident there the first time. A failure leaves the update posted in chat. */
async function postPublicly(
  services: Services,
  incident: Incident,
  status: UpdateStatus,
  text: string,
): Promise<PublicResult> {
  const page = services.targets.statusPage;
  if (!page) {
    return {
      ok: false,
      note: '⚙️ The update is posted here, but not on the status page: it is not configured (set STATUSPAGE_API_KEY and STATUSPAGE_PAGE_ID).',
    };
  }
  try {
    const id =
      incident.statusPageId ??
      (await page.open({ name: incident.title, status, body: text, impact: impactOf(incident) }));
    if (incident.statusPageId !== undefined) await page.update(id, { status, body: text });
    return { ok: true, id };
  } catch (error) {
    const reason = isOpsError(error) ? error.message : 'the status page call failed';
    services.log.warn({ incident: incident.id, err: describeError(error) }, 'status page update failed');
    return { ok: false, note: `🔌 The update is posted here, but not on the status page: ${reason}` };
  }
}

/** The status page has the update: its id is kept, its deadline no longer applies. */
async function recordStatusPage(
  tx: Services,
  incident: Incident,
  id: string,
  status: UpdateStatus,
): Promise<void> {
  await saveStatusPage(tx.db, incident.id, id, tx.now());
  await tx.scheduler.cancel(timerKey(incident.id, 'status-page'), tx.db);
  await recordEvent(tx, incident, BOT_ACTOR, 'status-page', `Posted to the status page (${status})`);
}

function impactOf(incident: Incident): 'critical' | 'major' | 'minor' | 'none' {
  return ({ p0: 'critical', p1: 'major', p2: 'minor', p3: 'none' } as const)[incident.severity];
}
