// The outbox table (src/scheduler/outbox.ts): chat side effects waiting to be sent, in order per lane.
import type { Migration } from './migrations.js';

export const outboxMigration: Migration = {
  name: '010-outbox',
  sql: `
CREATE TABLE outbox (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  lane text NOT NULL,
  key text UNIQUE,
  payload jsonb NOT NULL DEFAULT '{}',
  -- The chat platform whose worker sends it (null: any).
  platform text,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'failed')),
  progress jsonb,
  result jsonb,
  attempts integer NOT NULL DEFAULT 0,
  owner text,
  locked_until timestamptz,
  next_at timestamptz NOT NULL DEFAULT now(),
  give_up_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  last_error text,
  last_reason text
);
CREATE INDEX outbox_pending ON outbox (lane, id) WHERE state = 'pending';
CREATE INDEX outbox_due ON outbox (next_at) WHERE state = 'pending';
`,
};
