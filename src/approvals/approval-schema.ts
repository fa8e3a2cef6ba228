// The approvals table: one row per fix request, moved through its states by conditional updates.
import type { Migration } from '../store/migrations.js';

export const approvalsMigration: Migration = {
  name: '006-approvals',
  sql: `
CREATE TABLE approvals (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  command text NOT NULL,
  args jsonb NOT NULL DEFAULT '{}',
  -- The statement or patch shown, the target, and the identities the re-check compares.
  plan jsonb NOT NULL,
  risk text NOT NULL CHECK (risk IN ('low', 'medium', 'high')),
  why text,
  requester text NOT NULL,
  platform text NOT NULL,
  channel text NOT NULL,
  incident_id integer,
  incident_channel text,
  state text NOT NULL DEFAULT 'pending'
    CHECK (state IN ('pending', 'approved', 'running', 'succeeded', 'failed', 'rejected', 'expired')),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  approver text,
  decided_at timestamptz,
  started_at timestamptz,
  finished_at timestamptz,
  result text,
  output text,
  message_channel text,
  message_id text
);
CREATE INDEX approvals_pending ON approvals (expires_at) WHERE state = 'pending';
`,
};

/** Why a requester was allowed to approve their own fix (issue 17), shown on the card. */
export const approvalNoteMigration: Migration = {
  name: '017-approval-note',
  sql: 'ALTER TABLE approvals ADD COLUMN approval_note text;',
};
