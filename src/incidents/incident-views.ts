// `incident list` and `incident timeline` as tables.
import { channelRef, limitRows, mention, shorten, type Message } from '../chat/message.js';
import { formatDurationShort } from '../core/duration.js';
import { formatClock, formatDate, zoneName } from '../core/time-zone.js';
import type { Services } from '../core/services.js';
import {
  BOT_ACTOR,
  incidentRef,
  severityLabel,
  type Incident,
  type IncidentEvent,
} from './incident-model.js';

const MAX_ROWS = 50;

const who = (actor: string): string => (actor === BOT_ACTOR ? 'oatie' : mention(actor));

export function listMessage(services: Services, incidents: Incident[]): Message {
  if (incidents.length === 0) {
    const text = 'No open incidents.';
    return { text, blocks: [{ kind: 'section', text }] };
  }
  const now = services.now().getTime();
  const rows = incidents.map((i) => [
    incidentRef(i),
    severityLabel(i.severity),
    i.state,
    i.status,
    shorten(i.title, 60),
    channelRef(i.channel),
    mention(i.commander),
    formatDurationShort(now - i.startedAt.getTime()),
  ]);
  const limited = limitRows(rows, MAX_ROWS);
  return {
    text: `${incidents.length} open incident(s)`,
    blocks: [
      { kind: 'header', text: `Open incidents (${incidents.length})` },
      {
        kind: 'table',
        columns: ['incident', 'severity', 'state', 'status', 'title', 'channel', 'commander', 'age'],
        rows: limited.rows,
        omitted: limited.omitted,
      },
    ],
  };
}

export function timelineMessage(services: Services, incident: Incident, events: IncidentEvent[]): Message {
  const zone = services.config.OATIE_TIMEZONE;
  const seconds = (at: Date): string =>
    `${formatDate(at, zone)} ${formatClock(at, zone)}:${String(at.getUTCSeconds()).padStart(2, '0')}`;
  const rows = events.map((e) => [seconds(e.at), who(e.actor), e.kind, shorten(e.text, 200)]);
  // The latest events matter most in a long incident.
  const shown = rows.length > MAX_ROWS ? rows.slice(-MAX_ROWS) : rows;
  const title = `Timeline of ${incidentRef(incident)} (${severityLabel(incident.severity)}, ${incident.state}): ${shorten(incident.title, 80)}`;
  return {
    text: title,
    blocks: [
      { kind: 'header', text: shorten(title, 150) },
      {
        kind: 'table',
        columns: [`time (${zoneName(services.now(), zone)})`, 'who', 'event', 'what'],
        rows: shown,
        omitted: rows.length - shown.length,
      },
    ],
  };
}
