// The store of alert groups: one row per group, updated by every delivery; the one process that
// claims a group posts it, the others update the message it posted.
import type { Db } from '../store/db.js';

export interface AlertGroup {
  id: number;
  status: 'firing' | 'resolved';
  version: number;
  title: string;
  summary?: string;
  sourceUrl?: string;
  labels: Record<string, string>;
  severity: string;
  alertsFiring: number;
  deliveries: number;
  firstSeen: Date;
  lastSeen: Date;
  resolvedAt?: Date;
  message?: { channel: string; id: string };
  buttons: { ack?: string; declare?: string };
  acknowledgedBy?: string;
  acknowledgedAt?: Date;
  incidentId?: number;
}

export interface AlertDelivery {
  groupHash: string;
  status: 'firing' | 'resolved';
  title: string;
  summary?: string;
  sourceUrl?: string;
  labels: Record<string, string>;
  severity: string;
  alertsFiring: number;
  at: Date;
}

interface Row {
  id: number;
  status: 'firing' | 'resolved';
  version: number;
  title: string;
  summary: string | null;
  source_url: string | null;
  labels: Record<string, string>;
  severity: string;
  alerts_firing: number;
  deliveries: number;
  first_seen: Date;
  last_seen: Date;
  resolved_at: Date | null;
  message_channel: string | null;
  message_id: string | null;
  ack_button: string | null;
  declare_button: string | null;
  acknowledged_by: string | null;
  acknowledged_at: Date | null;
  incident_id: number | null;
}

const date = (d: Date | null): Date | undefined => (d === null ? undefined : new Date(d));

function toGroup(r: Row): AlertGroup {
  return {
    id: r.id,
    status: r.status,
    version: r.version,
    title: r.title,
    summary: r.summary ?? undefined,
    sourceUrl: r.source_url ?? undefined,
    labels: r.labels,
    severity: r.severity,
    alertsFiring: r.alerts_firing,
    deliveries: r.deliveries,
    firstSeen: new Date(r.first_seen),
    lastSeen: new Date(r.last_seen),
    resolvedAt: date(r.resolved_at),
    message:
      r.message_channel !== null && r.message_id !== null
        ? { channel: r.message_channel, id: r.message_id }
        : undefined,
    buttons: { ack: r.ack_button ?? undefined, declare: r.declare_button ?? undefined },
    acknowledgedBy: r.acknowledged_by ?? undefined,
    acknowledgedAt: date(r.acknowledged_at),
    incidentId: r.incident_id ?? undefined,
  };
}

/** A post claim older than this is taken over (its process died between claiming and posting). */
const CLAIM_TIMEOUT_S = 60;

export class AlertStore {
  constructor(private readonly db: Db) {}

  /**
   * Records a delivery. A group that fires again after it was resolved starts a new episode: it
   * forgets its message, acknowledgement and incident, so it is posted again.
   */
  async record(d: AlertDelivery): Promise<AlertGroup> {
    const result = await this.db.query<Row>(
      `INSERT INTO alert_groups (group_hash, status, title, summary, source_url, labels, severity,
                                 alerts_firing, first_seen, last_seen, resolved_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $9, CASE WHEN $2 = 'resolved' THEN $9::timestamptz END)
       ON CONFLICT (group_hash) DO UPDATE SET
         version = alert_groups.version + 1,
         deliveries = alert_groups.deliveries + 1,
         status = EXCLUDED.status,
         title = EXCLUDED.title,
         summary = EXCLUDED.summary,
         source_url = EXCLUDED.source_url,
         labels = EXCLUDED.labels,
         alerts_firing = EXCLUDED.alerts_firing,
         last_seen = EXCLUDED.last_seen,
         resolved_at = CASE WHEN EXCLUDED.status = 'resolved' THEN coalesce(alert_groups.resolved_at, EXCLUDED.last_seen) END,
         severity = CASE WHEN alert_groups.status = 'resolved' AND EXCLUDED.status = 'firing'
                         THEN EXCLUDED.severity ELSE alert_groups.severity END,
         first_seen = CASE WHEN alert_groups.status = 'resolved' AND EXCLUDED.status = 'firing'
                           THEN EXCLUDED.first_seen ELSE alert_groups.first_seen END,
         post_claimed_at = CASE WHEN alert_groups.status = 'resolved' AND EXCLUDED.status = 'firing'
                                THEN NULL ELSE alert_groups.post_claimed_at END,
         message_channel = CASE WHEN alert_groups.status = 'resolved' AND EXCLUDED.status = 'firing'
                                THEN NULL ELSE alert_groups.message_channel END,
         message_id = CASE WHEN alert_groups.status = 'resolved' AND EXCLUDED.status = 'firing'
                           THEN NULL ELSE alert_groups.message_id END,
         acknowledged_by = CASE WHEN alert_groups.status = 'resolved' AND EXCLUDED.status = 'firing'
                                THEN NULL ELSE alert_groups.acknowledged_by END,
         acknowledged_at = CASE WHEN alert_groups.status = 'resolved' AND EXCLUDED.status = 'firing'
                                THEN NULL ELSE alert_groups.acknowledged_at END,
         incident_id = CASE WHEN alert_groups.status = 'resolved' AND EXCLUDED.status = 'firing'
                            THEN NULL ELSE alert_groups.incident_id END
       RETURNING *`,
      [
        d.groupHash,
        d.status,
        d.title,
        d.summary ?? null,
        d.sourceUrl ?? null,
        JSON.stringify(d.labels),
        d.severity,
        d.alertsFiring,
        d.at,
      ],
    );
    const row = result.rows[0];
    if (!row) throw new Error('alert group not recorded');
    return toGroup(row);
  }

  /** Claims the right to post a group not posted yet; only one process gets it back. */
  async claimPost(id: number): Promise<AlertGroup | undefined> {
    const result = await this.db.query<Row>(
      `UPDATE alert_groups SET post_claimed_at = now()
        WHERE id = $1 AND message_id IS NULL
          AND (post_claimed_at IS NULL OR post_claimed_at < now() - make_interval(secs => $2))
        RETURNING *`,
      [id, CLAIM_TIMEOUT_S],
    );
    const row = result.rows[0];
    return row && toGroup(row);
  }

  async savePost(
    id: number,
    message: { channel: string; id: string },
    buttons: AlertGroup['buttons'],
  ): Promise<void> {
    await this.db.query(
      `UPDATE alert_groups SET message_channel = $2, message_id = $3, ack_button = $4, declare_button = $5 WHERE id = $1`,
      [id, message.channel, message.id, buttons.ack ?? null, buttons.declare ?? null],
    );
  }

  /** Gives the post back (the post failed), so the next delivery posts it. */
  async releaseClaim(id: number): Promise<void> {
    await this.db.query(
      'UPDATE alert_groups SET post_claimed_at = NULL WHERE id = $1 AND message_id IS NULL',
      [id],
    );
  }

  async get(id: number): Promise<AlertGroup | undefined> {
    const result = await this.db.query<Row>('SELECT * FROM alert_groups WHERE id = $1', [id]);
    const row = result.rows[0];
    return row && toGroup(row);
  }

  /** The first acknowledgement wins; returns the group when this call acknowledged it. */
  async acknowledge(id: number, by: string, at: Date): Promise<AlertGroup | undefined> {
    const result = await this.db.query<Row>(
      `UPDATE alert_groups SET acknowledged_by = $2, acknowledged_at = $3, version = version + 1
        WHERE id = $1 AND acknowledged_by IS NULL RETURNING *`,
      [id, by, at],
    );
    const row = result.rows[0];
    return row && toGroup(row);
  }

  /** Links the incident declared from the group, unless one already is. */
  async linkIncident(id: number, incidentId: number): Promise<AlertGroup | undefined> {
    const result = await this.db.query<Row>(
      `UPDATE alert_groups SET incident_id = $2, version = version + 1
        WHERE id = $1 AND incident_id IS NULL RETURNING *`,
      [id, incidentId],
    );
    const row = result.rows[0];
    return row && toGroup(row);
  }
}
