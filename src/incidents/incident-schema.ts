// The incidents' tables: one row per incident (INC-<id>) and its timeline of events.
import type { Migration } from '../store/migrations.js';

export const incidentsMigration: Migration = {
  name: '004-incidents',
  sql: `
CREATE TABLE incidents (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  severity text NOT NULL CHECK (severity IN ('p0', 'p1', 'p2', 'p3')),
  title text NOT NULL,
  service text,
  impact text,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged', 'resolved')),
  status text NOT NULL DEFAULT 'investigating',
  platform text NOT NULL,
  commander text NOT NULL,
  declared_in text NOT NULL,
  channel text NOT NULL,
  channel_name text NOT NULL,
  war_room boolean NOT NULL,
  started_at timestamptz NOT NULL,
  last_update_at timestamptz NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  resolved_at timestamptz,
  resolved_by text,
  root_cause text,
  resolution text,
  prevention text,
  review_at timestamptz,
  notified jsonb NOT NULL DEFAULT '[]',
  reminder_seq integer NOT NULL DEFAULT 0,
  escalation_step integer NOT NULL DEFAULT 0,
  status_page_id text,
  status_page_at timestamptz,
  alert_message jsonb,
  buttons jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX incidents_channel ON incidents (channel, id DESC);
CREATE INDEX incidents_open ON incidents (id) WHERE state <> 'resolved';
-- One open incident per channel: commands typed in a channel act on its incident.
CREATE UNIQUE INDEX incidents_one_open_per_channel ON incidents (channel) WHERE state <> 'resolved';

CREATE TABLE incident_events (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id integer NOT NULL REFERENCES incidents (id),
  at timestamptz NOT NULL,
  actor text NOT NULL,
  kind text NOT NULL,
  text text NOT NULL DEFAULT '',
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, id);
`,
};

/** The expected time of resolution an update may give (`incident update … --eta 45m`). */
export const incidentEtaMigration: Migration = {
  name: '012-incident-eta',
  sql: 'ALTER TABLE incidents ADD COLUMN IF NOT EXISTS eta_at timestamptz;',
};

/** The PagerDuty incident behind an incident's page, learnt from PagerDuty's webhook (by the dedup key). */
export const incidentPagerMigration: Migration = {
  name: '021-incident-pager-id',
  sql: `ALTER TABLE incidents ADD COLUMN IF NOT EXISTS pager_incident_id text;
CREATE INDEX IF NOT EXISTS incidents_pager ON incidents (pager_incident_id) WHERE pager_incident_id IS NOT NULL;`,
};
