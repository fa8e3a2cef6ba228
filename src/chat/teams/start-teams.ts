// Starts the Teams adapter: the CloudAdapter (Bot Framework authentication on unless
// TEAMS_ALLOW_UNAUTHENTICATED), the TeamsPlatform on the store, the core built around it, and
// POST /api/messages on the process's HTTP server (beside Slack's /slack/events).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App } from '../../app.js';
import type { Config } from '../../config/env.js';
import type { Policy } from '../../config/policy.js';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Db } from '../../store/db.js';
import { DELIVERY_WINDOW_MS, DeliveryLog } from '../../store/delivery-log.js';
import type { HttpServer } from '../../http/server.js';
import { WorkQueue } from '../work-queue.js';
import { TeamsBot } from './teams-bot.js';
import { createAdapter, TeamsConnector } from './teams-connector.js';
import { TeamsPlatform, type WarRoomChannels } from './teams-platform.js';
import { TeamsStore } from './teams-store.js';

export const TEAMS_MESSAGES_PATH = '/api/messages';
/** Teams caps a message near 28 KB and a card action's payload is small: 1 MB is far beyond any real activity. */
const MAX_BODY_BYTES = 1_000_000;

export interface TeamsOptions {
  config: Config;
  policy: Policy;
  log: Logger;
  db: Db;
  http: HttpServer;
  buildCore: (chat: TeamsPlatform) => App | Promise<App>;
  /** War-room channels through Microsoft Graph (graph-war-rooms.ts), when configured. */
  warRooms?: WarRoomChannels;
}

export interface TeamsAdapter {
  core: App;
  platform: TeamsPlatform;
  authenticated: boolean;
  /** Waits for commands in hand; the core and store are the caller's to stop. */
  stop(): Promise<void>;
}

function send(res: ServerResponse, status: number, body?: string): void {
  if (res.headersSent) return void res.end();
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(body);
}

/** The request body as JSON, or why not (too big, not JSON, not an object). */
async function readJson(
  req: IncomingMessage,
): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; status: number; reason: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, reason: 'activity too large' };
    chunks.push(chunk as Buffer);
  }
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (typeof body === 'object' && body !== null && !Array.isArray(body))
      return { ok: true, body: body as Record<string, unknown> };
  } catch {
    // answered below
  }
  return { ok: false, status: 400, reason: 'expected a Bot Framework activity (a JSON object)' };
}

/** Node's response in the shape botbuilder writes to (status, header, send, end). */
function responseFor(res: ServerResponse) {
  let status = 200;
  let payload: string | undefined;
  const headers: Record<string, string> = {};
  return {
    socket: res.socket,
    status(code: number) {
      status = code;
    },
    header(name: string, value: unknown) {
      headers[name.toLowerCase()] = String(value);
    },
    send(body: unknown) {
      if (body === undefined || body === null) return;
      if (typeof body === 'string') payload = body;
      else {
        payload = JSON.stringify(body);
        headers['content-type'] = 'application/json';
      }
    },
    end() {
      if (res.headersSent) return;
      // botbuilder answers an internal failure with 500 and its message: Teams gets a quiet 200 instead.
      const safe = status >= 500 ? 200 : status;
      res.writeHead(safe, { 'content-type': 'text/plain; charset=utf-8', ...headers });
      res.end(status >= 500 ? undefined : payload);
    },
  };
}

export async function startTeams(options: TeamsOptions): Promise<TeamsAdapter> {
  const { config, log, http } = options;
  const teamsLog = log.child({ part: 'teams' });
  const authenticated = !(config.TEAMS_ALLOW_UNAUTHENTICATED && config.MICROSOFT_APP_ID === undefined);
  if (!authenticated)
    teamsLog.warn(
      'TEAMS_ALLOW_UNAUTHENTICATED=true: /api/messages accepts activities WITHOUT Bot Framework authentication (emulator and tests only)',
    );
  const adapter = createAdapter(config);
  adapter.onTurnError = (_context, error) => {
    teamsLog.error({ err: describeError(error) }, 'Teams turn failed');
    return Promise.resolve();
  };
  const store = new TeamsStore(options.db);
  const names = new Map(
    Object.values(options.policy.people).flatMap((p) => (p.teams ? [[p.teams, p.name] as const] : [])),
  );
  const platform = new TeamsPlatform({
    connector: new TeamsConnector(adapter, config.MICROSOFT_APP_ID ?? ''),
    store,
    log: teamsLog,
    incidentsChannel: config.OATIE_INCIDENTS_CHANNEL,
    knownName: (user) => names.get(user),
    ...(config.MICROSOFT_APP_TENANT_ID ? { tenantId: config.MICROSOFT_APP_TENANT_ID } : {}),
    ...(options.warRooms ? { warRooms: options.warRooms } : {}),
  });
  const core = await options.buildCore(platform);
  core.router.onCommand((observation) => http.metrics.observeCommand(observation));
  const deliveries = new DeliveryLog(options.db, Date.now, DELIVERY_WINDOW_MS);
  const queue = new WorkQueue({
    concurrency: config.OATIE_WORK_CONCURRENCY,
    limit: config.OATIE_WORK_QUEUE_LIMIT,
    log: teamsLog,
  });
  http.metrics.watchWorkQueue(() => queue.pending);
  const bot = new TeamsBot({
    firstDelivery: (key) => deliveries.firstDelivery(key),
    queue,
    router: core.router,
    platform,
    store,
    log: teamsLog,
    ...(config.MICROSOFT_APP_TENANT_ID ? { tenantId: config.MICROSOFT_APP_TENANT_ID } : {}),
  });

  http.route('POST', TEAMS_MESSAGES_PATH, async (req, res) => {
    const read = await readJson(req);
    if (!read.ok) {
      teamsLog.warn({ status: read.status }, `Teams request refused: ${read.reason}`);
      send(res, read.status, `${read.reason}\n`);
      return;
    }
    if (authenticated && req.headers.authorization === undefined) {
      // botbuilder would refuse it too, after a console.error: nothing to look at, so answer it here.
      send(res, 401, 'a Bot Framework token is required\n');
      return;
    }
    const request = { body: read.body, headers: req.headers, method: req.method };
    try {
      await adapter.process(request, responseFor(res), (context) => bot.run(context));
    } catch (error) {
      teamsLog.error({ err: describeError(error) }, 'Teams activity not processed');
      send(res, 200);
    }
  });
  teamsLog.info({ path: TEAMS_MESSAGES_PATH, authenticated }, 'teams adapter ready');
  return { core, platform, authenticated, stop: () => bot.drain() };
}
