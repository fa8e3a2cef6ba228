// The alert_groups table: one row per Alertmanager group (its groupKey, hashed), the message it is
// posted as, who acknowledged it and the incident declared from it.
import type { Migration } from '../store/migrations.js';

export const alertsMigration: Migration = {
  name: '020-alert-groups',
  sql: `
CREATE TABLE alert_groups (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  group_hash text NOT NULL UNIQUE,
  status text NOT NULL CHECK (status IN ('firing', 'resolved')),
  -- Bumped by every delivery: the poster compares it to know whether its post is already stale.
  version integer NOT NULL DEFAULT 1,
  title text NOT NULL,
  summary text,
  source_url text,
  labels jsonb NOT NULL DEFAULT '{}',
  severity text NOT NULL,
  alerts_firing integer NOT NULL DEFAULT 0,
  deliveries integer NOT NULL DEFAULT 1,
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  resolved_at timestamptz,
  -- Who posts it: the one process that claims it (replicas may each receive the same group).
  post_claimed_at timestamptz,
  message_channel text,
  message_id text,
  ack_button text,
  declare_button text,
  acknowledged_by text,
  acknowledged_at timestamptz,
  incident_id integer
);
`,
};
