// Starts the real Teams adapter (botbuilder's CloudAdapter behind POST /api/messages) on a free port,
// against the core built as in the other tests and a fake Bot Framework connector. Activities are
// POSTed as Teams sends them, with `serviceUrl` pointing at the fake, so replies arrive there.
import { randomUUID } from 'node:crypto';
import { startTeams, TEAMS_MESSAGES_PATH, type TeamsAdapter } from '../../src/chat/teams/start-teams.js';
import type { WarRoomChannels } from '../../src/chat/teams/teams-platform.js';
import type { Policy } from '../../src/config/policy.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { createMetrics } from '../../src/http/metrics.js';
import { HttpServer } from '../../src/http/server.js';
import type { Db } from '../../src/store/db.js';
import { buildTargets } from '../../src/targets/build-targets.js';
import { FakeConnector, buttonsOf, cardOf, type TeamsCall } from './fake-teams.js';
import { openFreshStore } from './fresh-store.js';
import { defaultPolicy, startTestApp, testConfig } from './test-app.js';

export const TENANT = '7e4a0000-0000-4000-8000-00000000e4a7';
export const BOT_ID = '28:oatie-ops-bot';
export const BOT_NAME = 'oatie-ops';
export const TEAM_ID = '19:team-oatie@thread.tacv2';
export const INCIDENTS_CHANNEL = '19:incidents@thread.tacv2';
export const GENERAL_CHANNEL = '19:general@thread.tacv2';

/** People as Teams names them: AAD object id (the policy's `teams:`) and Teams user id. */
export const PEOPLE = {
  alice: { aad: '6f1a0001-0000-4000-8000-000000000001', id: '29:alice', name: 'Alice' },
  bob: { aad: '6f1a0002-0000-4000-8000-000000000002', id: '29:bob', name: 'Bob' },
  carol: { aad: '6f1a0003-0000-4000-8000-000000000003', id: '29:carol', name: 'Carol' },
  mallory: { aad: '6f1a9999-0000-4000-8000-000000009999', id: '29:mallory', name: 'Mallory' },
} as const;
export type Who = keyof typeof PEOPLE;

export const personalChat = (who: Who): string => `a:personal-${PEOPLE[who].id}`;

export interface Where {
  /** A channel (19:…), a channel thread (19:…;messageid=…) or a personal chat (a:…). */
  conversation: string;
  tenant?: string;
}

/** An activity as Teams posts it to the bot. */
export function activity(
  type: string,
  who: Who,
  where: Where,
  serviceUrl: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const person = PEOPLE[who];
  const inChannel = where.conversation.startsWith('19:');
  const tenant = where.tenant ?? TENANT;
  return {
    type,
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: person.id, name: person.name, aadObjectId: person.aad },
    recipient: { id: BOT_ID, name: BOT_NAME },
    conversation: {
      id: where.conversation,
      conversationType: inChannel ? 'channel' : 'personal',
      tenantId: tenant,
      isGroup: inChannel,
    },
    channelData: {
      tenant: { id: tenant },
      ...(inChannel
        ? {
            channel: { id: where.conversation.replace(/;messageid=.*$/, '') },
            team: { id: TEAM_ID },
          }
        : {}),
    },
    ...extra,
  };
}

export interface Posted {
  status: number;
  body: string;
  json(): Record<string, unknown>;
}

export async function postActivity(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Posted> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  return { status: response.status, body: text, json: () => JSON.parse(text) as Record<string, unknown> };
}

export interface TeamsStoryOptions {
  env?: Record<string, string>;
  policy?: Policy;
  log?: Logger;
  warRooms?: WarRoomChannels;
  /** The name of the Postgres database made for the store (default: teams). */
  database?: string;
  /** Reuse a store (a restart); it is then not dropped by stop(). */
  db?: Db;
  fake?: FakeConnector;
  /** Builds the real targets from `env` (e.g. OATIE_DATABASE_URL), as main.ts does; none otherwise. */
  targets?: boolean;
}

export interface TeamsStory {
  fake: FakeConnector;
  db: Db;
  bot: TeamsAdapter;
  url: string;
  /** A message to the bot, as `who`, in `conversation` (default: their personal chat). */
  say(text: string, who?: Who, conversation?: string): Promise<Posted>;
  /** Clicks the button titled `title` on a card the bot sent (as it stands now, or as it was first sent). */
  press(sent: TeamsCall, title: string, who: Who, options?: { asSent?: boolean }): Promise<Posted>;
  /** Stops the bot; the store is dropped unless it was given; the fake stops unless it was given. */
  stop(): Promise<void>;
}

export async function startTeamsStory(options: TeamsStoryOptions = {}): Promise<TeamsStory> {
  const fake = options.fake ?? (await new FakeConnector().start());
  const fresh = options.db ? undefined : await openFreshStore(options.database ?? 'teams');
  const db = options.db ?? fresh?.db;
  if (!db) throw new Error('no store');
  const config = testConfig({
    TEAMS_ALLOW_UNAUTHENTICATED: 'true',
    OATIE_INCIDENTS_CHANNEL: 'incidents',
    PORT: '0',
    ...options.env,
  });
  const policy = options.policy ?? (await defaultPolicy());
  const log = options.log ?? silentLogger;
  const http = new HttpServer({ log: silentLogger, metrics: createMetrics() });
  const targets = options.targets ? await buildTargets(config, silentLogger) : undefined;
  const bot = await startTeams({
    config,
    policy,
    log,
    db,
    http,
    ...(options.warRooms ? { warRooms: options.warRooms } : {}),
    buildCore: (chat) => startTestApp({ db, chat, config, policy, log, targets }),
  });
  const port = await http.listen(0, '127.0.0.1');
  bot.core.scheduler.start();
  const url = `http://127.0.0.1:${port}${TEAMS_MESSAGES_PATH}`;
  return {
    fake,
    db,
    bot,
    url,
    say: (text, who = 'alice', conversation = personalChat(who)) =>
      postActivity(
        url,
        activity('message', who, { conversation }, fake.url, {
          text: conversation.startsWith('19:') ? `<at>${BOT_NAME}</at> ${text}` : text,
          entities: conversation.startsWith('19:')
            ? [{ type: 'mention', text: `<at>${BOT_NAME}</at>`, mentioned: { id: BOT_ID, name: BOT_NAME } }]
            : [],
        }),
      ),
    press(sent, title, who, options = {}) {
      const shown = options.asSent ? sent : fake.current(sent);
      const button = buttonsOf(cardOf(shown.body)).find((b) => b.title === title);
      if (!button?.data) throw new Error(`no ${title} button on the card`);
      return postActivity(
        url,
        activity('invoke', who, { conversation: sent.conversation }, fake.url, {
          name: 'adaptiveCard/action',
          replyToId: sent.activityId,
          value: {
            action: { type: 'Action.Execute', verb: button.verb, data: button.data },
            trigger: 'manual',
          },
        }),
      );
    },
    async stop() {
      await http.close();
      await bot.stop();
      await bot.core.stop();
      await fresh?.close();
      if (!options.fake) await fake.stop();
    },
  };
}
