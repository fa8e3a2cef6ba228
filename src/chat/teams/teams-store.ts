// What the Teams adapter keeps in the bot's store, so proactive messages survive restarts and work
// from any replica: conversation references (where to post and through which service URL), the
// people seen (AAD object id → Teams user id and name, for direct messages and mentions), and the
// neutral message behind each card the bot posted (a card action answers with the updated card).
import type { Message } from '../message.js';
import type { Db } from '../../store/db.js';
import type { Migration } from '../../store/migrations.js';

export const teamsMigration: Migration = {
  name: '0100_teams',
  sql: `
CREATE TABLE teams_conversations (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('personal', 'groupChat', 'channel', 'thread')),
  service_url text NOT NULL,
  tenant_id text,
  bot_id text NOT NULL,
  name text,
  team_id text,
  user_aad text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX teams_conversations_personal ON teams_conversations (user_aad) WHERE kind = 'personal';
CREATE INDEX teams_conversations_name ON teams_conversations (lower(name)) WHERE kind = 'channel';
CREATE TABLE teams_users (
  aad_id text PRIMARY KEY,
  teams_id text NOT NULL,
  name text,
  service_url text NOT NULL,
  tenant_id text,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE teams_cards (
  conversation_id text NOT NULL,
  activity_id text NOT NULL,
  message jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, activity_id)
);
`,
};

export type ConversationKind = 'personal' | 'groupChat' | 'channel' | 'thread';

export interface StoredConversation {
  id: string;
  kind: ConversationKind;
  serviceUrl: string;
  tenantId?: string;
  botId: string;
  name?: string;
  teamId?: string;
  userAad?: string;
}

export interface StoredUser {
  aadId: string;
  teamsId: string;
  name?: string;
  serviceUrl: string;
  tenantId?: string;
}

interface ConversationRow {
  id: string;
  kind: ConversationKind;
  service_url: string;
  tenant_id: string | null;
  bot_id: string;
  name: string | null;
  team_id: string | null;
  user_aad: string | null;
}

const toConversation = (r: ConversationRow): StoredConversation => ({
  id: r.id,
  kind: r.kind,
  serviceUrl: r.service_url,
  botId: r.bot_id,
  ...(r.tenant_id === null ? {} : { tenantId: r.tenant_id }),
  ...(r.name === null ? {} : { name: r.name }),
  ...(r.team_id === null ? {} : { teamId: r.team_id }),
  ...(r.user_aad === null ? {} : { userAad: r.user_aad }),
});

const COLUMNS = 'id, kind, service_url, tenant_id, bot_id, name, team_id, user_aad';

export class TeamsStore {
  constructor(private readonly db: Db) {}

  /** Records a conversation; a known name or team is kept when the new sighting lacks one. */
  async saveConversation(c: StoredConversation): Promise<void> {
    await this.db.query(
      `INSERT INTO teams_conversations (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (id) DO UPDATE SET
         service_url = EXCLUDED.service_url,
         tenant_id = coalesce(EXCLUDED.tenant_id, teams_conversations.tenant_id),
         bot_id = EXCLUDED.bot_id,
         name = coalesce(EXCLUDED.name, teams_conversations.name),
         team_id = coalesce(EXCLUDED.team_id, teams_conversations.team_id),
         user_aad = coalesce(EXCLUDED.user_aad, teams_conversations.user_aad),
         -- A thread the bot opened stays one, whoever posts in it later.
         kind = CASE WHEN teams_conversations.kind = 'thread' THEN 'thread' ELSE EXCLUDED.kind END,
         updated_at = now()`,
      [
        c.id,
        c.kind,
        c.serviceUrl,
        c.tenantId ?? null,
        c.botId,
        c.name ?? null,
        c.teamId ?? null,
        c.userAad ?? null,
      ],
    );
  }

  async conversation(id: string): Promise<StoredConversation | undefined> {
    const result = await this.db.query<ConversationRow>(
      `SELECT ${COLUMNS} FROM teams_conversations WHERE id = $1`,
      [id],
    );
    const row = result.rows[0];
    return row ? toConversation(row) : undefined;
  }

  /** The personal chat of a person (by AAD object id), if the bot has one. */
  async personalChat(aadId: string): Promise<StoredConversation | undefined> {
    const result = await this.db.query<ConversationRow>(
      `SELECT ${COLUMNS} FROM teams_conversations WHERE kind = 'personal' AND user_aad = $1
       ORDER BY updated_at DESC LIMIT 1`,
      [aadId],
    );
    const row = result.rows[0];
    return row ? toConversation(row) : undefined;
  }

  /** A channel by its display name (case-insensitive), the most recently seen first. */
  async channelNamed(name: string): Promise<StoredConversation | undefined> {
    const result = await this.db.query<ConversationRow>(
      `SELECT ${COLUMNS} FROM teams_conversations WHERE kind = 'channel' AND lower(name) = lower($1)
       ORDER BY updated_at DESC LIMIT 1`,
      [name],
    );
    const row = result.rows[0];
    return row ? toConversation(row) : undefined;
  }

  /** Any known conversation of the tenant: its service URL and bot id serve a conversation never seen. */
  async anyConversation(tenantId?: string): Promise<StoredConversation | undefined> {
    const result = await this.db.query<ConversationRow>(
      `SELECT ${COLUMNS} FROM teams_conversations WHERE ($1::text IS NULL OR tenant_id = $1)
       ORDER BY updated_at DESC LIMIT 1`,
      [tenantId ?? null],
    );
    const row = result.rows[0];
    return row ? toConversation(row) : undefined;
  }

  async saveUser(u: StoredUser): Promise<void> {
    await this.db.query(
      `INSERT INTO teams_users (aad_id, teams_id, name, service_url, tenant_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (aad_id) DO UPDATE SET teams_id = EXCLUDED.teams_id,
         name = coalesce(EXCLUDED.name, teams_users.name), service_url = EXCLUDED.service_url,
         tenant_id = coalesce(EXCLUDED.tenant_id, teams_users.tenant_id), updated_at = now()`,
      [u.aadId, u.teamsId, u.name ?? null, u.serviceUrl, u.tenantId ?? null],
    );
  }

  async user(aadId: string): Promise<StoredUser | undefined> {
    const result = await this.db.query<{
      aad_id: string;
      teams_id: string;
      name: string | null;
      service_url: string;
      tenant_id: string | null;
    }>('SELECT aad_id, teams_id, name, service_url, tenant_id FROM teams_users WHERE aad_id = $1', [aadId]);
    const r = result.rows[0];
    if (!r) return undefined;
    return {
      aadId: r.aad_id,
      teamsId: r.teams_id,
      serviceUrl: r.service_url,
      ...(r.name === null ? {} : { name: r.name }),
      ...(r.tenant_id === null ? {} : { tenantId: r.tenant_id }),
    };
  }

  async saveCard(conversationId: string, activityId: string, message: Message): Promise<void> {
    await this.db.query(
      `INSERT INTO teams_cards (conversation_id, activity_id, message) VALUES ($1, $2, $3::jsonb)
       ON CONFLICT (conversation_id, activity_id) DO UPDATE SET message = EXCLUDED.message, updated_at = now()`,
      [conversationId, activityId, JSON.stringify(message)],
    );
  }

  async card(conversationId: string, activityId: string): Promise<Message | undefined> {
    const result = await this.db.query<{ message: Message }>(
      'SELECT message FROM teams_cards WHERE conversation_id = $1 AND activity_id = $2',
      [conversationId, activityId],
    );
    return result.rows[0]?.message;
  }
}
