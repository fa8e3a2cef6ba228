// Store queries of an incident's timeline: every event, with who and when. "Actions taken" are the
// events of the kinds that record work done (updates, actions other domains record).
import { z } from 'zod';
import type { Db } from '../store/db.js';
import type { IncidentEvent } from './incident-model.js';

export interface NewEvent {
  at: Date;
  actor: string;
  kind: string;
  text?: string;
  detail?: Record<string, unknown>;
}

export async function appendEvent(db: Db, incidentId: number, event: NewEvent): Promise<void> {
  await db.query(
    'INSERT INTO incident_events (incident_id, at, actor, kind, text, detail) VALUES ($1, $2, $3, $4, $5, $6::jsonb)',
    [incidentId, event.at, event.actor, event.kind, event.text ?? '', JSON.stringify(event.detail ?? {})],
  );
}

const eventSchema = z.object({
  id: z.number(),
  at: z.coerce.date(),
  actor: z.string(),
  kind: z.string(),
  text: z.string(),
});

export async function listEvents(
  db: Db,
  incidentId: number,
  kinds?: readonly string[],
): Promise<IncidentEvent[]> {
  const result = await db.query(
    `SELECT id, at, actor, kind, text FROM incident_events
      WHERE incident_id = $1 AND ($2::text[] IS NULL OR kind = ANY($2::text[])) ORDER BY at, id`,
    [incidentId, kinds ? [...kinds] : null],
  );
  return result.rows.map((r) => eventSchema.parse(r));
}

/** When events of `kind` happened, per incident: for response statistics over many incidents. */
export async function eventTimes(
  db: Db,
  incidentIds: readonly number[],
  kind: string,
): Promise<Map<number, Date[]>> {
  const times = new Map<number, Date[]>();
  if (incidentIds.length === 0) return times;
  const result = await db.query<{ incident_id: number; at: Date }>(
    'SELECT incident_id, at FROM incident_events WHERE incident_id = ANY($1::int[]) AND kind = $2 ORDER BY at, id',
    [[...incidentIds], kind],
  );
  for (const row of result.rows) {
    const list = times.get(row.incident_id) ?? [];
    list.push(new Date(row.at));
    times.set(row.incident_id, list);
  }
  return times;
}

/** Timeline kinds that are "actions taken": work done on the incident — actions recorded by other
 * domains, fixes run, severity changes, people paged and escalations. Status updates are not actions:
 * they have their own section (UPDATE_KINDS). */
export const ACTION_KINDS = ['action', 'fix', 'severity', 'notified', 'escalation'] as const;

export type ActionKind = (typeof ACTION_KINDS)[number];

export const UPDATE_KINDS = ['update'] as const;

/** What the resolution lists when no fix was written (`--fix`): the work done, not who was paged. */
export const RESOLUTION_KINDS = ['action', 'fix'] as const;

/** An action event as the alert and the resolution list it. */
export function actionText(event: Pick<IncidentEvent, 'kind' | 'text'>): string {
  switch (event.kind) {
    case 'severity':
      return `Severity changed ${event.text}`;
    case 'notified':
      return event.text === '' ? 'Contacts notified' : `Notified ${event.text}`;
    default:
      return event.text;
  }
}
