// War rooms as Teams channels, through Microsoft Graph (application permissions Channel.Create,
// ChannelSettings.ReadWrite.All, TeamMember.ReadWrite.All): one standard channel per incident in
// OATIE_TEAMS_TEAM_ID, its description the incident's topic, its contacts made members of the team.
// Client-credentials token, cached until shortly before it expires; every call has a deadline.
import { z } from 'zod';
import type { Config } from '../../config/env.js';
import type { Logger } from '../../core/logger.js';
import { parseRetryAfter } from '../../core/platform-error.js';
import { TeamsDeliveryError } from './teams-errors.js';
import type { WarRoomChannels } from './teams-platform.js';

const CALL_TIMEOUT_MS = 10_000;
/** Graph refuses channel names longer than 50 characters. */
export const MAX_GRAPH_CHANNEL_NAME = 50;
const GRAPH_URL = 'https://graph.microsoft.com/v1.0';
const LOGIN_URL = 'https://login.microsoftonline.com';

const tokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });
const channelSchema = z.object({ id: z.string().min(1), displayName: z.string() });

export interface GraphSettings {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  teamId: string;
  graphUrl?: string;
  loginUrl?: string;
}

/** A channel name within Graph's 50 characters, keeping a -2, -3 … suffix so retries stay distinct. */
export function graphChannelName(name: string): string {
  if (name.length <= MAX_GRAPH_CHANNEL_NAME) return name;
  const suffix = /-\d+$/.exec(name)?.[0] ?? '';
  return `${name.slice(0, MAX_GRAPH_CHANNEL_NAME - suffix.length).replace(/-+$/, '')}${suffix}`;
}

export class GraphWarRooms implements WarRoomChannels {
  private token: { value: string; until: number } | undefined;
  private readonly graphUrl: string;
  private readonly loginUrl: string;

  constructor(
    private readonly settings: GraphSettings,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.graphUrl = (settings.graphUrl ?? GRAPH_URL).replace(/\/+$/, '');
    this.loginUrl = (settings.loginUrl ?? LOGIN_URL).replace(/\/+$/, '');
  }

  async create(name: string) {
    const displayName = graphChannelName(name);
    const response = await this.call(
      'create a channel',
      'POST',
      `/teams/${encodeURIComponent(this.settings.teamId)}/channels`,
      {
        displayName,
        description: `War room ${displayName}`,
        membershipType: 'standard',
      },
    );
    if (response.status === 409 || (response.status === 400 && /already exist/i.test(response.text)))
      return { ok: false as const, reason: 'name_taken' as const };
    this.check('create a channel', response);
    const channel = channelSchema.parse(JSON.parse(response.text));
    return { ok: true as const, id: channel.id, name: channel.displayName, teamId: this.settings.teamId };
  }

  async describe(channelId: string, description: string): Promise<void> {
    const path = `/teams/${encodeURIComponent(this.settings.teamId)}/channels/${encodeURIComponent(channelId)}`;
    this.check(
      'set the channel description',
      await this.call('set the channel description', 'PATCH', path, {
        description: description.slice(0, 1024),
      }),
    );
  }

  async addMembers(_channelId: string, users: readonly string[]): Promise<void> {
    const path = `/teams/${encodeURIComponent(this.settings.teamId)}/members`;
    for (const user of users) {
      // Only AAD object ids can be added (a person the policy names by another id is skipped).
      if (!/^[0-9a-f-]{36}$/i.test(user)) continue;
      const response = await this.call('add a member to the team', 'POST', path, {
        '@odata.type': '#microsoft.graph.aadUserConversationMember',
        roles: [],
        'user@odata.bind': `${GRAPH_URL}/users('${user}')`,
      });
      // Already a member: nothing to do.
      if (response.status === 409) continue;
      this.check('add a member to the team', response);
    }
  }

  private check(
    operation: string,
    response: { status: number; text: string; retryAfter: string | null },
  ): void {
    if (response.status >= 200 && response.status < 300) return;
    this.log.warn({ operation, status: response.status }, 'Microsoft Graph refused a call');
    throw new TeamsDeliveryError(
      `Microsoft Graph refused to ${operation} (HTTP ${response.status}).`,
      response.status,
      parseRetryAfter(response.retryAfter),
      response.status === 403
        ? 'The Graph app lacks a permission: Channel.Create, ChannelSettings.ReadWrite.All, TeamMember.ReadWrite.All.'
        : undefined,
    );
  }

  private async accessToken(): Promise<string> {
    if (this.token && this.token.until > this.now()) return this.token.value;
    const body = new URLSearchParams({
      client_id: this.settings.clientId,
      client_secret: this.settings.clientSecret,
      scope: 'https://graph.microsoft.com/.default',
      grant_type: 'client_credentials',
    });
    const response = await this.fetch(
      'get a Graph token',
      `${this.loginUrl}/${encodeURIComponent(this.settings.tenantId)}/oauth2/v2.0/token`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: body.toString(),
      },
    );
    this.check('get a Graph token', response);
    const token = tokenSchema.parse(JSON.parse(response.text));
    // A minute early: a token must not expire between this check and the call.
    this.token = { value: token.access_token, until: this.now() + Math.max(0, token.expires_in - 60) * 1000 };
    return token.access_token;
  }

  private async call(operation: string, method: string, path: string, body: unknown) {
    const token = await this.accessToken();
    return this.fetch(operation, `${this.graphUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  }

  private async fetch(operation: string, url: string, init: RequestInit) {
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(CALL_TIMEOUT_MS) });
      return {
        status: response.status,
        text: await response.text(),
        retryAfter: response.headers.get('retry-after'),
      };
    } catch {
      throw new TeamsDeliveryError(`Microsoft Graph did not answer (${operation}).`, undefined, undefined);
    }
  }
}

/** The Graph war rooms when GRAPH_* and OATIE_TEAMS_TEAM_ID are all set (env.ts refuses half of them). */
export function graphWarRooms(config: Config, log: Logger): GraphWarRooms | undefined {
  const { GRAPH_TENANT_ID, GRAPH_CLIENT_ID, GRAPH_CLIENT_SECRET, OATIE_TEAMS_TEAM_ID } = config;
  if (!GRAPH_TENANT_ID || !GRAPH_CLIENT_ID || !GRAPH_CLIENT_SECRET || !OATIE_TEAMS_TEAM_ID) return undefined;
  return new GraphWarRooms(
    {
      tenantId: GRAPH_TENANT_ID,
      clientId: GRAPH_CLIENT_ID,
      clientSecret: GRAPH_CLIENT_SECRET,
      teamId: OATIE_TEAMS_TEAM_ID,
      ...(config.GRAPH_API_URL ? { graphUrl: config.GRAPH_API_URL } : {}),
      ...(config.GRAPH_LOGIN_URL ? { loginUrl: config.GRAPH_LOGIN_URL } : {}),
    },
    log.child({ part: 'graph' }),
  );
}
