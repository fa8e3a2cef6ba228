// `incident list` and `incident timeline` as tables. People in cells are shown by display name:
// tables render as code in Slack, where a mention would show as a raw id.
import { displayNames } from '../chat/display-names.js';
import { channelRef, limitRows, shorten, type Message } from '../chat/message.js';
import { formatDurationShort } from '../core/duration.js';
import { formatStamp, zoneName } from '../core/time-zone.js';
import type { Services } from '../core/services.js';
import {
  BOT_ACTOR,
  incidentRef,
  severityLabel,
  type Incident,
  type IncidentEvent,
} from './incident-model.js';

const MAX_ROWS = 50;

/** The names of the people among `ids` (the bot is not a person to look up). */
const namesOf = (services: Services, ids: string[]): Promise<Map<string, string>> =>
  displayNames(
    services.chat,
    ids.filter((id) => id !== BOT_ACTOR),
  );

export async function listMessage(services: Services, incidents: Incident[]): Promise<Message> {
  if (incidents.length === 0) {
    const text = 'No open incidents.';
    return { text, blocks: [{ kind: 'section', text }] };
  }
  const now = services.now().getTime();
  const names = await namesOf(
    services,
    incidents.map((i) => i.commander),
  );
  const rows = incidents.map((i) => [
    incidentRef(i),
    severityLabel(i.severity),
    i.state,
    i.status,
    shorten(i.title, 60),
    i.channelName ? `#${i.channelName}` : channelRef(i.channel),
    names.get(i.commander) ?? i.commander,
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

export async function timelineMessage(
  services: Services,
  incident: Incident,
  events: IncidentEvent[],
): Promise<Message> {
  const zone = services.config.OATIE_TIMEZONE;
  // The latest events matter most in a long incident.
  const latest = events.length > MAX_ROWS ? events.slice(-MAX_ROWS) : events;
  const names = await namesOf(
    services,
    latest.map((e) => e.actor),
  );
  const who = (actor: string): string => (actor === BOT_ACTOR ? 'oatie' : (names.get(actor) ?? actor));
  const shown = latest.map((e) => [formatStamp(e.at, zone), who(e.actor), e.kind, shorten(e.text, 200)]);
  const title = `Timeline of ${incidentRef(incident)} (${severityLabel(incident.severity)}, ${incident.state}): ${shorten(incident.title, 80)}`;
  return {
    text: title,
    blocks: [
      { kind: 'header', text: shorten(title, 150) },
      {
        kind: 'table',
        columns: [`time (${zoneName(services.now(), zone)})`, 'who', 'event', 'what'],
        rows: shown,
        omitted: events.length - shown.length,
      },
    ],
  };
}
