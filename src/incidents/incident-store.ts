// Store queries of incidents and their timeline. State changes are conditional updates: the row
// decides the one winner among concurrent commands, clicks and replicas.
import { z } from 'zod';
import { severities, updateStatuses, type Severity, type UpdateStatus } from '../commands/args.js';
import type { Db } from '../store/db.js';
import type { Incident, IncidentButtons } from './incident-model.js';
import { appendEvent } from './incident-events.js';

const postedSchema = z.object({ channel: z.string(), id: z.string() });
const buttonsSchema = z.object({
  ack: z.string().optional(),
  update: z.string().optional(),
  resolve: z.string().optional(),
});

const rowSchema = z.object({
  id: z.number(),
  severity: z.enum(severities),
  title: z.string(),
  service: z.string().nullable(),
  impact: z.string().nullable(),
  state: z.enum(['open', 'acknowledged', 'resolved']),
  status: z.enum([...updateStatuses, 'resolved']),
  platform: z.string(),
  commander: z.string(),
  declared_in: z.string(),
  channel: z.string(),
  channel_name: z.string(),
  war_room: z.boolean(),
  started_at: z.coerce.date(),
  last_update_at: z.coerce.date(),
  acknowledged_at: z.coerce.date().nullable(),
  acknowledged_by: z.string().nullable(),
  resolved_at: z.coerce.date().nullable(),
  resolved_by: z.string().nullable(),
  root_cause: z.string().nullable(),
  resolution: z.string().nullable(),
  prevention: z.string().nullable(),
  review_at: z.coerce.date().nullable(),
  eta_at: z.coerce.date().nullable(),
  notified: z.array(z.string()),
  reminder_seq: z.number(),
  escalation_step: z.number(),
  status_page_id: z.string().nullable(),
  status_page_at: z.coerce.date().nullable(),
  alert_message: postedSchema.nullable(),
  buttons: buttonsSchema,
});

const un = <T>(value: T | null): T | undefined => value ?? undefined;

function toIncident(raw: unknown): Incident {
  const r = rowSchema.parse(raw);
  return {
    id: r.id,
    severity: r.severity,
    title: r.title,
    service: un(r.service),
    impact: un(r.impact),
    state: r.state,
    status: r.status,
    platform: r.platform,
    commander: r.commander,
    declaredIn: r.declared_in,
    channel: r.channel,
    channelName: r.channel_name,
    warRoom: r.war_room,
    startedAt: r.started_at,
    lastUpdateAt: r.last_update_at,
    acknowledgedAt: un(r.acknowledged_at),
    acknowledgedBy: un(r.acknowledged_by),
    resolvedAt: un(r.resolved_at),
    resolvedBy: un(r.resolved_by),
    rootCause: un(r.root_cause),
    resolution: un(r.resolution),
    prevention: un(r.prevention),
    reviewAt: un(r.review_at),
    etaAt: un(r.eta_at),
    notified: r.notified,
    reminderSeq: r.reminder_seq,
    escalationStep: r.escalation_step,
    statusPageId: un(r.status_page_id),
    statusPageAt: un(r.status_page_at),
    alertMessage: un(r.alert_message),
    buttons: r.buttons,
  };
}

/** The incident of the first row `sql` returns (a lookup, or a conditional update … RETURNING *). */
async function oneIncident(db: Db, sql: string, params: unknown[]): Promise<Incident | undefined> {
  const row = (await db.query(sql, params)).rows[0];
  return row ? toIncident(row) : undefined;
}

/** `notified` with the JSON array of keys in parameter `param` added, each key once. */
const mergedNotified = (param: string): string =>
  `(SELECT coalesce(jsonb_agg(DISTINCT k), '[]'::jsonb) FROM jsonb_array_elements_text(notified || ${param}::jsonb) AS k)`;

export type NewIncident = Pick<
  Incident,
  | 'severity'
  | 'title'
  | 'platform'
  | 'commander'
  | 'declaredIn'
  | 'channel'
  | 'channelName'
  | 'warRoom'
  | 'startedAt'
  | 'notified'
> &
  Partial<Pick<Incident, 'service' | 'impact'>>;

/** Inserts the incident and its `declared` event in one transaction. */
export async function insertIncident(db: Db, fields: NewIncident): Promise<Incident> {
  return db.transaction(async (tx) => {
    const result = await tx.query(
      `INSERT INTO incidents (severity, title, service, impact, platform, commander, declared_in, channel,
                              channel_name, war_room, started_at, last_update_at, notified)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11, $12::jsonb) RETURNING *`,
      [
        fields.severity,
        fields.title,
        fields.service ?? null,
        fields.impact ?? null,
        fields.platform,
        fields.commander,
        fields.declaredIn,
        fields.channel,
        fields.channelName,
        fields.warRoom,
        fields.startedAt,
        JSON.stringify(fields.notified),
      ],
    );
    const row = result.rows[0];
    if (!row) throw new Error('incident insert returned no row');
    const incident = toIncident(row);
    await appendEvent(tx, incident.id, {
      at: fields.startedAt,
      actor: fields.commander,
      kind: 'declared',
      text: fields.title,
    });
    return incident;
  });
}

export async function findIncident(db: Db, id: number): Promise<Incident | undefined> {
  return oneIncident(db, 'SELECT * FROM incidents WHERE id = $1', [id]);
}

/** The open incident of a channel, else its most recent one (a resolved war room still has a timeline). */
export async function findIncidentInChannel(db: Db, channel: string): Promise<Incident | undefined> {
  return oneIncident(
    db,
    "SELECT * FROM incidents WHERE channel = $1 ORDER BY (state <> 'resolved') DESC, id DESC LIMIT 1",
    [channel],
  );
}

export async function findOpenIncidentInChannel(db: Db, channel: string): Promise<Incident | undefined> {
  return oneIncident(db, "SELECT * FROM incidents WHERE channel = $1 AND state <> 'resolved'", [channel]);
}

/** Whether another incident than `except` already had a channel of that name (war rooms are never reused). */
export async function channelNameUsed(db: Db, name: string, except = 0): Promise<boolean> {
  const result = await db.query(
    'SELECT 1 FROM incidents WHERE (channel_name = $1 OR channel = $1) AND id <> $2 LIMIT 1',
    [name, except],
  );
  return result.rows.length > 0;
}

/** The war room exists: the incident lives in it from now on (it was `placeholder` until then). */
export async function moveIntoWarRoom(
  db: Db,
  id: number,
  placeholder: string,
  room: { id: string; name: string },
): Promise<void> {
  await db.query('UPDATE incidents SET channel = $3, channel_name = $4 WHERE id = $1 AND channel = $2', [
    id,
    placeholder,
    room.id,
    room.name,
  ]);
}

export async function saveButtons(db: Db, id: number, buttons: IncidentButtons): Promise<void> {
  await db.query('UPDATE incidents SET buttons = $2::jsonb WHERE id = $1', [id, JSON.stringify(buttons)]);
}

export async function listOpenIncidents(db: Db, limit = 100): Promise<Incident[]> {
  const result = await db.query("SELECT * FROM incidents WHERE state <> 'resolved' ORDER BY id LIMIT $1", [
    limit,
  ]);
  return result.rows.map(toIncident);
}

/** open → acknowledged; undefined when the incident was not open (someone else won). */
/** Incidents declared since `since` (of one severity when given), oldest first, at most `limit`. */
export async function listIncidentsSince(
  db: Db,
  since: Date,
  severity: Severity | undefined,
  limit = 10_000,
): Promise<Incident[]> {
  const result = await db.query(
    `SELECT * FROM incidents WHERE started_at >= $1 AND ($2::text IS NULL OR severity = $2)
      ORDER BY started_at, id LIMIT $3`,
    [since, severity ?? null, limit],
  );
  return result.rows.map(toIncident);
}

/** The most recent incidents, newest first (open or resolved). */
export async function listRecentIncidents(db: Db, limit = 10): Promise<Incident[]> {
  const result = await db.query('SELECT * FROM incidents ORDER BY id DESC LIMIT $1', [limit]);
  return result.rows.map(toIncident);
}

export async function markAcknowledged(
  db: Db,
  id: number,
  by: string,
  at: Date,
): Promise<Incident | undefined> {
  return oneIncident(
    db,
    `UPDATE incidents SET state = 'acknowledged', acknowledged_at = $3, acknowledged_by = $2
      WHERE id = $1 AND state = 'open' RETURNING *`,
    [id, by, at],
  );
}

export interface Resolution {
  by: string;
  at: Date;
  rootCause: string;
  resolution: string | undefined;
  prevention: string | undefined;
  reviewAt: Date;
}

/** open|acknowledged → resolved; undefined when it was already resolved. */
export async function markResolved(db: Db, id: number, r: Resolution): Promise<Incident | undefined> {
  return oneIncident(
    db,
    `UPDATE incidents SET state = 'resolved', status = 'resolved', resolved_at = $2, resolved_by = $3,
            root_cause = $4, resolution = $5, prevention = $6, review_at = $7
      WHERE id = $1 AND state <> 'resolved' RETURNING *`,
    [id, r.at, r.by, r.rootCause, r.resolution ?? null, r.prevention ?? null, r.reviewAt],
  );
}

/** Records an update: new status, the update clock restarts, and older reminder timers lapse. */
/** A status update; `eta` (the expected resolution) replaces the last one when given. */
export async function markUpdated(
  db: Db,
  id: number,
  status: UpdateStatus,
  at: Date,
  eta?: Date,
): Promise<Incident | undefined> {
  return oneIncident(
    db,
    `UPDATE incidents SET status = $2, last_update_at = $3, reminder_seq = reminder_seq + 1,
            eta_at = coalesce($4, eta_at)
      WHERE id = $1 AND state <> 'resolved' RETURNING *`,
    [id, status, at, eta ?? null],
  );
}

/** Changes the severity; older reminder timers lapse (the clock is re-planned). */
export async function markSeverity(db: Db, id: number, severity: Severity): Promise<Incident | undefined> {
  return oneIncident(
    db,
    `UPDATE incidents SET severity = $2, reminder_seq = reminder_seq + 1
      WHERE id = $1 AND state <> 'resolved' RETURNING *`,
    [id, severity],
  );
}

/** Takes reminder generation `seq`: true for exactly one caller, and only while the incident is unresolved. */
export async function claimReminder(db: Db, id: number, seq: number): Promise<boolean> {
  const result = await db.query(
    "UPDATE incidents SET reminder_seq = reminder_seq + 1 WHERE id = $1 AND reminder_seq = $2 AND state <> 'resolved'",
    [id, seq],
  );
  return result.rowCount === 1;
}

/** Takes escalation step `step`: true for exactly one caller, and only while nobody acknowledged. */
export async function claimEscalation(
  db: Db,
  id: number,
  step: number,
  notify: readonly string[],
): Promise<boolean> {
  const result = await db.query(
    `UPDATE incidents SET escalation_step = escalation_step + 1, notified = ${mergedNotified('$3')}
      WHERE id = $1 AND escalation_step = $2 AND state = 'open'`,
    [id, step, JSON.stringify(notify)],
  );
  return result.rowCount === 1;
}

export async function addNotified(db: Db, id: number, keys: readonly string[]): Promise<void> {
  await db.query(`UPDATE incidents SET notified = ${mergedNotified('$2')} WHERE id = $1`, [
    id,
    JSON.stringify(keys),
  ]);
}

export async function saveAlert(
  db: Db,
  id: number,
  posted: { channel: string; id: string },
  buttons: IncidentButtons,
): Promise<void> {
  await db.query('UPDATE incidents SET alert_message = $2::jsonb, buttons = $3::jsonb WHERE id = $1', [
    id,
    JSON.stringify(posted),
    JSON.stringify(buttons),
  ]);
}

export async function saveStatusPage(db: Db, id: number, statusPageId: string, at: Date): Promise<void> {
  await db.query('UPDATE incidents SET status_page_id = $2, status_page_at = $3 WHERE id = $1', [
    id,
    statusPageId,
    at,
  ]);
}

/** The incident whose page PagerDuty knows as `pagerId` (remembered from an earlier webhook). */
export async function findIncidentByPagerId(db: Db, pagerId: string): Promise<Incident | undefined> {
  return oneIncident(db, 'SELECT * FROM incidents WHERE pager_incident_id = $1 ORDER BY id DESC LIMIT 1', [
    pagerId,
  ]);
}

/** Remembers the PagerDuty incident behind an incident's page (the first one PagerDuty named). */
export async function rememberPagerIncident(db: Db, id: number, pagerId: string): Promise<void> {
  await db.query('UPDATE incidents SET pager_incident_id = $2 WHERE id = $1 AND pager_incident_id IS NULL', [
    id,
    pagerId,
  ]);
}
