// The post-incident review, drafted from what the store already knows: the incident row, its
// timeline, and the fixes requested for it (with every approval, refusal, run and outcome). Rendered
// from templates/post-incident-review.hbs as Markdown; every piece of user text is escaped for
// Markdown and passed through the secret masker again (query text on fix plans is masked already).
import { ApprovalStore } from '../approvals/approval-store.js';
import type { Approval } from '../approvals/approval.js';
import { displayNames } from '../chat/display-names.js';
import { stripControl } from '../chat/message.js';
import { formatDuration } from '../core/duration.js';
import { maskSecrets } from '../core/secrets.js';
import type { Services } from '../core/services.js';
import { formatDateTime, formatStamp, zoneName } from '../core/time-zone.js';
import { listEvents } from '../incidents/incident-events.js';
import { BOT_ACTOR, incidentRef, severityLabel, type Incident } from '../incidents/incident-model.js';
import { mdBlock, mdInline } from './markdown.js';

export interface ReviewEntry {
  at: Date;
  /** Platform user id, or the bot. */
  actor: string;
  /** Plain text: what happened. `{who}` is replaced by the actor's name. */
  text: string;
}

export interface ReviewDraft {
  /** A file name such as `INC-7-review.md`. */
  fileName: string;
  title: string;
  markdown: string;
}

/** Timeline kinds left out of the review: the bot's own nudges, and fix outcomes (listed from the approvals). */
const SKIPPED_KINDS = new Set(['reminder', 'review-reminder', 'fix']);

const clean = (text: string): string => maskSecrets(stripControl(text));

/** The timeline of the review, in order: the incident's events and its fixes' steps. */
export async function reviewEntries(services: Services, incident: Incident): Promise<ReviewEntry[]> {
  const events = await listEvents(services.db, incident.id);
  const entries: ReviewEntry[] = events
    .filter((e) => !SKIPPED_KINDS.has(e.kind))
    .map((e) => ({ at: e.at, actor: e.actor, text: eventText(e.kind, e.text) }));
  const approvals = await new ApprovalStore(services.db).forIncident(incident.id);
  const refusals = await services.audit.ofApprovals(
    'fix.refused',
    approvals.map((a) => a.id),
  );
  for (const approval of approvals) entries.push(...fixEntries(approval));
  for (const refusal of refusals) {
    const approval = approvals.find((a) => String(a.id) === String(refusal.detail?.approvalId));
    if (!approval) continue;
    entries.push({
      at: refusal.at,
      actor: refusal.actor,
      text: `{who} could not approve ${fixName(approval)}: refused (${refusal.outcome})`,
    });
  }
  // Stable: events recorded in the same millisecond keep the order they were written in.
  return entries
    .map((entry, index) => ({ entry, index }))
    .sort((a, b) => a.entry.at.getTime() - b.entry.at.getTime() || a.index - b.index)
    .map((x) => x.entry);
}

function eventText(kind: string, text: string): string {
  switch (kind) {
    case 'declared':
      return `Declared by {who}: ${text}`;
    case 'acknowledged':
      return `Acknowledged by {who} (${text.replace(/^Acknowledged /, '')})`;
    case 'update':
      return `Status update by {who}: ${text}`;
    case 'severity':
      return `Severity changed by {who}: ${text}`;
    case 'escalation':
      return `Escalation: ${text}`;
    case 'notified':
      return `Notified: ${text}`;
    case 'resolved':
      return `Resolved by {who}. Root cause: ${text}`;
    case 'review-scheduled':
      return text;
    case 'war-room':
      return text;
    case 'action':
      return `Action by {who}: ${text}`;
    case 'status-page':
      return `Status page: ${text}`;
    default:
      return `${kind.replace(/[-_]/g, ' ')} by {who}: ${text}`;
  }
}

const fixName = (approval: Approval): string => `fix #${approval.id} (${approval.command})`;

/** A fix's steps: requested, then approved or rejected or expired, then run and its outcome. */
function fixEntries(approval: Approval): ReviewEntry[] {
  const name = fixName(approval);
  const entries: ReviewEntry[] = [
    {
      at: approval.createdAt,
      actor: approval.requester,
      text: `Fix requested by {who}: ${name}, ${approval.risk} risk: ${approval.plan.summary}`,
    },
  ];
  const decided = approval.decidedAt ?? approval.startedAt;
  if (approval.state === 'rejected') {
    entries.push({
      at: decided ?? approval.expiresAt,
      actor: approval.approver ?? BOT_ACTOR,
      text: `${name} rejected by {who}`,
    });
  } else if (approval.state === 'expired') {
    entries.push({
      at: approval.decidedAt ?? approval.expiresAt,
      actor: BOT_ACTOR,
      text: `${name} expired without approval`,
    });
  } else if (approval.approver !== undefined && decided !== undefined) {
    entries.push({ at: decided, actor: approval.approver, text: `${name} approved by {who}` });
  }
  if (approval.startedAt !== undefined && approval.state === 'running') {
    entries.push({
      at: approval.startedAt,
      actor: BOT_ACTOR,
      text: `${name} started; no outcome was recorded`,
    });
  }
  if (approval.finishedAt !== undefined && (approval.state === 'succeeded' || approval.state === 'failed')) {
    const outcome = approval.state === 'succeeded' ? 'succeeded' : 'failed';
    const result = approval.result ? `: ${approval.result}` : '';
    entries.push({ at: approval.finishedAt, actor: BOT_ACTOR, text: `${name} ran and ${outcome}${result}` });
  }
  return entries;
}

/** Drafts the review of `incident` (resolved, or any state when `draft`). */
export async function draftReview(services: Services, incident: Incident): Promise<ReviewDraft> {
  const zone = services.config.OATIE_TIMEZONE;
  const ref = incidentRef(incident);
  const entries = await reviewEntries(services, incident);
  const people = new Set<string>([incident.commander]);
  for (const e of entries) if (e.actor !== BOT_ACTOR) people.add(e.actor);
  if (incident.acknowledgedBy) people.add(incident.acknowledgedBy);
  if (incident.resolvedBy) people.add(incident.resolvedBy);
  const names = await displayNames(services.chat, [...people]);
  const who = (id: string | undefined): string =>
    id === undefined ? '' : id === BOT_ACTOR ? 'oatie' : mdInline(clean(names.get(id) ?? id));
  const line = (text: string): string => mdInline(clean(text));

  const end = incident.resolvedAt ?? services.now();
  const severityChanges = entries.filter((e) => e.text.startsWith('Severity changed'));
  const notified = incident.notified.map((key) => services.policy.people[key]?.name ?? key);
  const data = {
    ref,
    title: line(incident.title),
    draft: incident.state !== 'resolved',
    state: incident.state,
    severity: severityLabel(incident.severity),
    severityChanges: severityChanges.map((e) => ({
      at: formatDateTime(e.at, zone),
      text: line(e.text.replace('{who}', names.get(e.actor) ?? e.actor)),
    })),
    service: incident.service === undefined ? undefined : line(incident.service),
    impact: incident.impact === undefined ? undefined : line(incident.impact),
    started: formatDateTime(incident.startedAt, zone),
    acknowledged:
      incident.acknowledgedAt === undefined
        ? undefined
        : `${formatDateTime(incident.acknowledgedAt, zone)} by ${who(incident.acknowledgedBy)} (after ${formatDuration(incident.acknowledgedAt.getTime() - incident.startedAt.getTime())})`,
    resolved:
      incident.resolvedAt === undefined
        ? undefined
        : `${formatDateTime(incident.resolvedAt, zone)} by ${who(incident.resolvedBy)}`,
    lasted: `${formatDuration(end.getTime() - incident.startedAt.getTime())}${incident.resolvedAt ? '' : ' so far'}`,
    commander: who(incident.commander),
    notified: notified.map((n) => mdInline(clean(n))).join(', '),
    participants: [...people].map((id) => who(id)).join(', '),
    zone: zoneName(incident.startedAt, zone),
    timeline: entries.map((e) => ({
      when: formatStamp(e.at, zone),
      text: mdInline(
        clean(e.text.replace('{who}', e.actor === BOT_ACTOR ? 'oatie' : (names.get(e.actor) ?? e.actor))),
      ),
    })),
    rootCause: incident.rootCause === undefined ? undefined : mdBlock(clean(incident.rootCause)),
    resolution: incident.resolution === undefined ? undefined : mdBlock(clean(incident.resolution)),
    prevention: incident.prevention === undefined ? undefined : mdBlock(clean(incident.prevention)),
    reviewAt: incident.reviewAt === undefined ? undefined : formatDateTime(incident.reviewAt, zone),
    meetingLink: services.policy.review.link,
  };
  return {
    fileName: `${ref}-review.md`,
    title: `Post-incident review of ${ref}`,
    markdown: `${services.templates.render('post-incident-review', data)}\n`,
  };
}
