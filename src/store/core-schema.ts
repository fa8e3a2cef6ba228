// Tables shared by every domain: durable timers, stored button actions and the audit log.
import type { Migration } from './migrations.js';

export const coreMigration: Migration = {
  name: '001-core',
  sql: `
CREATE TABLE timers (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  key text,
  due_at timestamptz NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  owner text,
  locked_until timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  fired_at timestamptz
);
CREATE INDEX timers_due ON timers (due_at) WHERE state IN ('pending', 'running');
CREATE INDEX timers_key ON timers (key) WHERE state = 'pending';

CREATE TABLE action_buttons (
  id text PRIMARY KEY,
  kind text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor text NOT NULL,
  platform text NOT NULL,
  channel text,
  event text NOT NULL,
  command text,
  target text,
  statement text,
  outcome text NOT NULL,
  detail jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);
`,
};

/** Timers belong to the chat platform whose core scheduled them (Slack and Teams in one process). */
export const timerPlatformMigration: Migration = {
  name: '0101_timers_platform',
  sql: 'ALTER TABLE timers ADD COLUMN platform text;',
};
