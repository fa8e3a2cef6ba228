// Starts the Slack adapter: a Bolt app over HTTP on the shared server (POST /slack/events, with Bolt's
// own request signing check) or over Socket Mode when SLACK_APP_TOKEN is set; the SlackPlatform; the
// core built around it; the listeners.
import { App as BoltApp, HTTPReceiver, SocketModeReceiver, type webApi } from '@slack/bolt';
import type { App } from '../../app.js';
import type { Config } from '../../config/env.js';
import { ErrorCode, OpsError, describeError, isOpsError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { HttpServer } from '../../http/server.js';
import { DeliveryLog } from '../../store/delivery-log.js';
import { WorkQueue } from '../work-queue.js';
import { boltLogger } from './bolt-logger.js';
import { toOpsError } from './slack-errors.js';
import { registerListeners } from './slack-listeners.js';
import { SlackPlatform } from './slack-platform.js';
import { SLACK_BODY_LIMIT, deliveryKeyOf, slackRequestGate } from './slack-request-gate.js';

export const SLACK_EVENTS_PATH = '/slack/events';

/** At shutdown, how long acked requests may take to finish. */
const DRAIN_MS = 15_000;
/** Each Web API attempt gives up after 10 s. */
const CALL_TIMEOUT_MS = 10_000;
/**
 * Bounded retries (the WebClient default is 10 over ~30 minutes): at most 3 more attempts within 2 minutes.
 * HTTP 429 is retried after its Retry-After on top of this backoff; rejectRateLimitedCalls stays false.
 */
const RETRY_CONFIG = {
  retries: 3,
  factor: 3,
  minTimeout: 500,
  maxTimeout: 10_000,
  maxRetryTime: 120_000,
  randomize: true,
};

export interface SlackOptions {
  config: Config;
  log: Logger;
  /** The process's HTTP server: HTTP mode adds POST /slack/events to it (Socket Mode leaves it to /health and /metrics). */
  http: HttpServer;
  /** Builds the core around the Slack platform (main: buildApp; tests: the test wiring). */
  buildCore: (chat: SlackPlatform) => App | Promise<App>;
}

export interface SlackBot {
  core: App;
  platform: SlackPlatform;
  mode: 'http' | 'socket';
  /** The work behind the acks (see work-queue.ts). */
  queue: WorkQueue;
  /** Disconnects Socket Mode (HTTP mode stops with the server); the core and store are the caller's to stop. */
  stop(): Promise<void>;
}

/** fetch with a deadline, for what Bolt sends outside the WebClient (response_url answers). */
const fetchWithTimeout: typeof fetch = (input, init) =>
  fetch(input, { ...init, signal: init?.signal ?? AbortSignal.timeout(CALL_TIMEOUT_MS) });

/** An ephemeral answer on an interaction's response_url, outside Bolt (see slack-request-gate.ts). */
async function postToResponseUrl(responseUrl: string, text: string): Promise<void> {
  const response = await fetchWithTimeout(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
  });
  if (!response.ok) throw new Error(`response_url answered HTTP ${response.status}`);
}

/** Bolt over HTTP (its receiver checks every request's signature) or over Socket Mode. */
function createBolt(config: Config, log: Logger, token: string): { bolt: BoltApp; receiver?: HTTPReceiver } {
  const logger = boltLogger(log, config.LOG_LEVEL);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.SLACK_API_URL,
    timeout: CALL_TIMEOUT_MS,
    retryConfig: RETRY_CONFIG,
    rejectRateLimitedCalls: false,
    fetch: fetchWithTimeout,
    logger,
  };
  const common = { token, logger, clientOptions, deferInitialization: true };
  if (config.SLACK_APP_TOKEN !== undefined) {
    // The Socket Mode client has a WebClient of its own (apps.connections.open): it gets the same
    // address, so SLACK_API_URL (a proxy, a test's fake) applies to it too. It reconnects by itself.
    const socket = new SocketModeReceiver({
      appToken: config.SLACK_APP_TOKEN,
      logger,
      autoReconnectEnabled: true,
      installerOptions: { clientOptions: { slackApiUrl: config.SLACK_API_URL, timeout: CALL_TIMEOUT_MS } },
    });
    return { bolt: new BoltApp({ ...common, receiver: socket }) };
  }
  const signingSecret = config.SLACK_SIGNING_SECRET ?? '';
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    logger,
    bodyLimit: SLACK_BODY_LIMIT,
    // The gate's delivery key reaches the listeners in their context (see slack-listeners.ts).
    customPropertiesExtractor: (req) => {
      const key = deliveryKeyOf(req);
      return key === undefined ? {} : { deliveryKey: key };
    },
  });
  return { bolt: new BoltApp({ ...common, receiver }), receiver };
}

/** A start-up step (auth.test, the Socket Mode connection): its failure becomes one readable line with a hint. */
async function startupStep(what: string, step: () => Promise<unknown>): Promise<void> {
  try {
    await step();
  } catch (error) {
    const reason = toOpsError(what, error);
    const hint = isOpsError(reason) && reason.hint ? ` ${reason.hint}` : '';
    throw new OpsError(ErrorCode.TargetDown, `${describeError(reason)}${hint}`);
  }
}

export async function startSlack(options: SlackOptions): Promise<SlackBot> {
  const { config, log, http } = options;
  const token = config.SLACK_BOT_TOKEN;
  if (token === undefined) throw new OpsError(ErrorCode.NotConfigured, 'Slack needs SLACK_BOT_TOKEN.');
  const { bolt, receiver } = createBolt(config, log, token);
  await startupStep('auth.test', () => bolt.init()); // a wrong token or an unreachable Slack fails here
  let homeTeam: string | undefined;
  await startupStep('auth.test', async () => {
    // The bot's own workspace: users of any other team are refused by the incident policy unless listed.
    homeTeam = (await bolt.client.auth.test()).team_id;
  });
  const slackLog = log.child({ part: 'slack' });
  const platform = new SlackPlatform(bolt.client, slackLog);
  const core = await options.buildCore(platform);
  core.router.onCommand((observation) => http.metrics.observeCommand(observation));
  const queue = new WorkQueue({
    concurrency: config.OATIE_WORK_CONCURRENCY,
    limit: config.OATIE_WORK_QUEUE_LIMIT,
    log: slackLog,
  });
  const deliveries = new DeliveryLog(core.services.db);
  registerListeners(bolt, {
    router: core.router,
    platform,
    log: slackLog,
    homeTeam,
    queue,
    firstDelivery: (key) => deliveries.firstDelivery(key),
  });

  if (receiver) {
    const gate = slackRequestGate(
      {
        signingSecret: config.SLACK_SIGNING_SECRET ?? '',
        log: slackLog,
        answerUrl: postToResponseUrl,
      },
      receiver.requestListener,
    );
    http.route('POST', SLACK_EVENTS_PATH, gate);
  } else await startupStep('apps.connections.open (Socket Mode)', () => bolt.start());
  const mode = receiver ? 'http' : 'socket';
  log.info({ mode, path: receiver ? SLACK_EVENTS_PATH : undefined }, 'slack adapter ready');
  return {
    core,
    platform,
    mode,
    queue,
    async stop() {
      if (!receiver) await bolt.stop();
      // Requests already acked get their answers before the core stops (bounded: Slack calls time out).
      await Promise.race([queue.drained(), new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
    },
  };
}
