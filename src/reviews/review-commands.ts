// `incident review` drafts the post-incident review and shares it as a file where it was asked for;
// `incident stats` answers the response metrics per severity against the policy.
import { writeFile } from 'node:fs/promises';
import { shorten, textMessage, type Message } from '../chat/message.js';
import { toCaller, toChannel, defineCommand, type CommandHandler } from '../commands/handler.js';
import { formatDuration, formatDurationShort } from '../core/duration.js';
import { badArgument, conflict, describeError, notFound } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { formatDate } from '../core/time-zone.js';
import { incidentOfChannel } from '../incidents/incident-lookup.js';
import { incidentRef, severityLabel, type Incident } from '../incidents/incident-model.js';
import { findIncident, listRecentIncidents } from '../incidents/incident-store.js';
import { severityPolicy } from '../incidents/severity-policy.js';
import { computeStats, loadFacts, type SeverityStats } from './incident-stats.js';
import { draftReview } from './review-draft.js';

/** A review this short also goes in the message itself, for people who read chat on a phone. */
const INLINE_REVIEW_CHARS = 2500;

async function incidentByRef(services: Services, id: number): Promise<Incident> {
  const incident = await findIncident(services.db, id);
  if (incident) return incident;
  const recent = await listRecentIncidents(services.db, 10);
  const list = recent.map(
    (i) => `${incidentRef(i)} (${severityLabel(i.severity)}, ${i.state}): ${shorten(i.title, 60)}`,
  );
  throw notFound(
    recent.length === 0
      ? `INC-${id} does not exist, and no incident has been declared yet.`
      : `INC-${id} does not exist. Recent incidents: ${list.join('; ')}.`,
  );
}

const review = defineCommand('incident review', async ({ args, channel, services }) => {
  const incident =
    args.ref === undefined
      ? await incidentOfChannel(services, channel)
      : await incidentByRef(services, args.ref);
  const ref = incidentRef(incident);
  if (incident.state !== 'resolved' && !args.draft) {
    throw conflict(
      `${ref} is not resolved yet: resolve it first (or \`incident review ${ref} --draft\` for a partial review).`,
    );
  }
  if (args.out !== undefined && services.chat.name !== 'console') {
    throw badArgument(
      '--out writes a file on the machine that runs the bot, so it works in the console only.',
      'incident review [INC-n] [--draft]',
    );
  }
  const draft = await draftReview(services, incident);
  if (args.out !== undefined) {
    try {
      await writeFile(args.out, draft.markdown, 'utf8');
    } catch (error) {
      throw badArgument(`Could not write ${args.out}: ${describeError(error)}`, 'incident review --out FILE');
    }
    return toCaller(
      textMessage(`${draft.title} written to ${args.out} (${draft.markdown.length} characters).`),
    );
  }
  const shared = await services.chat.uploadFile(channel, {
    name: draft.fileName,
    title: draft.title,
    content: draft.markdown,
  });
  // The console prints the file itself; elsewhere a short review is also readable in the message.
  const inline = services.chat.name !== 'console' && draft.markdown.length <= INLINE_REVIEW_CHARS;
  const message: Message = {
    text: `${draft.title} drafted`,
    blocks: [
      {
        kind: 'section',
        text: `📝 ${draft.title} drafted${incident.state === 'resolved' ? '' : ' (partial: not resolved yet)'}: ${shared.link ?? draft.fileName}`,
      },
      ...(inline ? [{ kind: 'code' as const, text: draft.markdown }] : []),
      {
        kind: 'context',
        text: 'Edit it before the review meeting; action items are left empty for the meeting.',
      },
    ],
  };
  return toChannel(message);
});

function statsMessage(services: Services, stats: SeverityStats[], since: Date, sinceMs: number): Message {
  const zone = services.config.OATIE_TIMEZONE;
  const period = `since ${formatDate(since, zone)} (last ${formatDuration(sinceMs)})`;
  if (stats.length === 0) return textMessage(`No incidents were declared ${period}.`);
  const spread = (s: { median: number; p90: number } | undefined): [string, string] =>
    s === undefined ? ['—', '—'] : [formatDurationShort(s.median), formatDurationShort(s.p90)];
  const target = (s: SeverityStats): string => {
    const time = severityPolicy(services.policy, s.severity).responseTime;
    return time === 'next-business-day' ? 'next business day' : formatDurationShort(time);
  };
  const rows = stats.map((s) => [
    severityLabel(s.severity),
    String(s.incidents),
    ...spread(s.acknowledge),
    `${s.breached} of ${s.incidents} (target ${target(s)})`,
    ...spread(s.resolve),
    `${s.resolved}`,
    String(s.lateUpdates),
    String(s.escalationSteps),
  ]);
  const total = stats.reduce((n, s) => n + s.incidents, 0);
  const breached = stats.reduce((n, s) => n + s.breached, 0);
  return {
    text: `Incident response ${period}: ${total} incident(s), ${breached} past the response time`,
    blocks: [
      { kind: 'header', text: `Incident response ${period}` },
      {
        kind: 'table',
        columns: [
          'severity',
          'incidents',
          'ack median',
          'ack p90',
          'response breached',
          'resolve median',
          'resolve p90',
          'resolved',
          'updates late',
          'escalations',
        ],
        rows,
      },
      {
        kind: 'context',
        text: 'Acknowledged = first acknowledgement (or the resolution, when nobody acknowledged first); an open incident past its response time with no response counts as breached. Updates late: status updates due by the severity’s update interval that came late or not at all.',
      },
    ],
  };
}

const stats = defineCommand('incident stats', async ({ args, services }) => {
  const now = services.now();
  const since = new Date(now.getTime() - args.since);
  const facts = await loadFacts(services.db, since, args.severity);
  const result = computeStats(facts, services.policy, now, services.config.OATIE_TIMEZONE);
  return toChannel(statsMessage(services, result, since, args.since));
});

export const reviewCommands: readonly CommandHandler[] = [review, stats];
