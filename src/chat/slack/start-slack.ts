// Starts the Slack adapter: a Bolt app over HTTP on the shared server (POST /slack/events, with Bolt's
// own request signing check) or over Socket Mode when SLACK_APP_TOKEN is set; the SlackPlatform; the
// core built around it; the listeners.
import type { webApi } from '@slack/bolt';
// Bolt's parts by their paths: its index also loads the Express receiver (express and a few dozen
// modules, about 4 MiB at idle) that the bot never uses. Bolt 5 has no exports map, so these paths
// are public; the default export is the CommonJS module's `default`.
import BoltAppModule from '@slack/bolt/dist/App.js';
import HTTPReceiverModule from '@slack/bolt/dist/receivers/HTTPReceiver.js';
import SocketModeReceiverModule from '@slack/bolt/dist/receivers/SocketModeReceiver.js';
import { WebClient } from '@slack/web-api';
import type { App } from '../../app.js';
import type { Config } from '../../config/env.js';
import { ErrorCode, OpsError, describeError, isOpsError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { failingText, platformFailureOf } from '../../core/platform-error.js';
import { keepAliveFetch } from '../../http/keep-alive-fetch.js';
import type { HttpServer } from '../../http/server.js';
import { DELIVERY_WINDOW_MS, DeliveryLog } from '../../store/delivery-log.js';
import { WorkQueue } from '../work-queue.js';
import { boltLogger } from './bolt-logger.js';
import { toOpsError } from './slack-errors.js';
import { commandAck } from './slack-ack.js';
import { PRE_ACKED, registerListeners } from './slack-listeners.js';
import { SlackPlatform } from './slack-platform.js';
import { webApiFirstTry } from './web-api-first-try.js';
import {
  SLACK_BODY_LIMIT,
  deliveryKeyOf,
  slackRequestGate,
  type PassedRequest,
} from './slack-request-gate.js';

const BoltApp = BoltAppModule.default;
type BoltApp = InstanceType<typeof BoltApp>;
const HTTPReceiver = HTTPReceiverModule.default;
type HTTPReceiver = InstanceType<typeof HTTPReceiver>;
const SocketModeReceiver = SocketModeReceiverModule.default;

export const SLACK_EVENTS_PATH = '/slack/events';
export { SLACK_BODY_LIMIT };

/** At shutdown, how long acked requests may take to finish: past the core's own 5 s wait (what is
 * still running then is recorded as interrupted), and well inside the process's 9.5 s deadline. */
const DRAIN_MS = 6_000;
/** Each Web API attempt gives up after 10 s. */
const CALL_TIMEOUT_MS = 10_000;
/**
 * Short in-memory retries for blips (the WebClient default is 10 over ~30 minutes): at most 2 more
 * attempts within 15 s. What must not be lost is an outbox step (src/scheduler/outbox.ts), retried
 * durably for the policy's delivery.retryFor; an answer to the caller falls back to the response_url.
 * HTTP 429 is retried after its Retry-After on top of this backoff; rejectRateLimitedCalls stays false.
 */
const RETRY_CONFIG = {
  retries: 2,
  factor: 3,
  minTimeout: 300,
  maxTimeout: 3000,
  maxRetryTime: 15_000,
  randomize: true,
};

/** The WebClient's message for an HTTP 429 it waited out: Slack did nothing, so trying again is safe. */
const RATE_LIMITED = /rate limit was exceeded/i;

/**
 * For calls that must not happen twice (posts, channel creation): the same, but only a 429 is retried
 * in memory; an error or a lost answer ends the call (p-retry aborts when onFailedAttempt throws).
 */
const ONCE_RETRY_CONFIG = {
  ...RETRY_CONFIG,
  onFailedAttempt: (error: Error): void => {
    if (!RATE_LIMITED.test(error.message)) throw error;
  },
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
  /**
   * Runs a request the front door acked on its own thread (src/http/front-door.ts), whatever the
   * queue's limit (the front door bounds what it admits); `done` once finished.
   */
  acceptAcked(request: PassedRequest, done: () => void): void;
  /** Disconnects Socket Mode (HTTP mode stops with the server); the core and store are the caller's to stop. */
  stop(): Promise<void>;
}

/**
 * The Web API's and response_url's fetch: kept-alive connections and a deadline on every call (the
 * WebClient's own timeout is therefore off: it would add an abort signal and a timer per call).
 */
const slackFetch = keepAliveFetch({ timeoutMs: CALL_TIMEOUT_MS });

/** An ephemeral answer on an interaction's response_url, outside Bolt (see slack-request-gate.ts). */
async function postToResponseUrl(responseUrl: string, text: string): Promise<void> {
  const answer = await slackFetch.plain(responseUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
  });
  if (answer.status < 200 || answer.status > 299)
    throw new Error(`response_url answered HTTP ${answer.status}`);
}

/** Who the bot is when Slack could not say at start-up (auth.test failed): only events from the bot itself would need it. */
const UNVERIFIED = { botId: 'B0UNVERIFIED', botUserId: 'U0UNVERIFIED', tokenVerificationEnabled: false };

/** The Web API client's settings: Slack's address, a deadline per attempt, short retries. */
function clientOptions(config: Config, log: Logger): webApi.WebClientOptions {
  return {
    slackApiUrl: config.SLACK_API_URL,
    retryConfig: RETRY_CONFIG,
    rejectRateLimitedCalls: false,
    fetch: slackFetch,
    logger: boltLogger(log, config.LOG_LEVEL),
  };
}

/** Bolt over HTTP (its receiver checks every request's signature) or over Socket Mode. */
function createBolt(
  config: Config,
  log: Logger,
  token: string,
  unverified = false,
): { bolt: BoltApp; receiver?: HTTPReceiver } {
  const logger = boltLogger(log, config.LOG_LEVEL);
  const common = {
    token,
    logger,
    clientOptions: clientOptions(config, log),
    deferInitialization: true,
    // Bolt's conversation store keeps per-channel state for listeners that ask for it; none does.
    convoStore: false as const,
    ...(unverified ? UNVERIFIED : {}),
  };
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

/**
 * Bolt, initialised: auth.test checks the token. A wrong token stops the bot; a Slack that is failing
 * (5xx, 429, no answer) does not: the bot starts unverified, so commands are heard and the outbox
 * delivers what is pending as soon as Slack answers (a restart during an outage loses nothing).
 */
async function initBolt(
  config: Config,
  log: Logger,
  token: string,
): Promise<ReturnType<typeof createBolt> & { homeTeam?: string }> {
  const first = createBolt(config, log, token);
  try {
    await first.bolt.init();
    // The bot's own workspace: users of any other team are refused by the incident policy unless listed.
    const homeTeam = (await first.bolt.client.auth.test()).team_id;
    return { ...first, homeTeam };
  } catch (error) {
    const failure = platformFailureOf(toOpsError('auth.test', error));
    if (!failure?.retryable) {
      await startupStep('auth.test', () => {
        throw error;
      });
    }
    log.warn(
      { reason: failure ? failingText(failure) : 'unknown' },
      'slack auth.test failed; starting without verifying the token',
    );
    const second = createBolt(config, log, token, true);
    await second.bolt.init();
    return second;
  }
}

const HOME_TEAM_RETRY_MS = 5000;

/** Started unverified: the bot's workspace is asked again every few seconds until Slack answers. */
function learnHomeTeam(bolt: BoltApp, deps: { homeTeam?: string; log: Logger }): void {
  const attempt = (): void => {
    bolt.client.auth
      .test()
      .then((answer) => {
        deps.homeTeam = answer.team_id;
        deps.log.info({ team: answer.team_id }, 'slack workspace known');
      })
      .catch(() => setTimeout(attempt, HOME_TEAM_RETRY_MS).unref());
  };
  setTimeout(attempt, HOME_TEAM_RETRY_MS).unref();
}

/**
 * The ack of a command, click or form, written by the gate before Bolt reads the request: Bolt's own
 * processing of it (middleware, listener) runs in the queued job with the work it asks for, so under a
 * burst no ack waits behind Bolt or the answers. A full queue hands the request to Bolt as usual, whose
 * listener answers "busy".
 */
function ackAtOnce(bolt: BoltApp, queue: WorkQueue, request: PassedRequest): string | undefined {
  const { passed } = request;
  if (passed.type === 'url_verification' || !queue.hasRoom()) return undefined;
  const ack = passed.type === 'command' ? (commandAck(passed.body) ?? '') : '';
  queue.offer(() => processAcked(bolt, request));
  return ack;
}

/** Bolt's processing of a request whose ack is already written (by the gate, or the front door). */
async function processAcked(bolt: BoltApp, request: PassedRequest): Promise<void> {
  const { passed } = request;
  if (passed.type === 'url_verification') return;
  await bolt.processEvent({
    body: passed.body,
    ack: () => Promise.resolve(),
    ...(request.retryNum === undefined ? {} : { retryNum: request.retryNum }),
    ...(request.retryReason === undefined ? {} : { retryReason: request.retryReason }),
    customProperties: { deliveryKey: request.deliveryKey, [PRE_ACKED]: true },
  });
}

export async function startSlack(options: SlackOptions): Promise<SlackBot> {
  const { config, log, http } = options;
  const token = config.SLACK_BOT_TOKEN;
  if (token === undefined) throw new OpsError(ErrorCode.NotConfigured, 'Slack needs SLACK_BOT_TOKEN.');
  const { bolt, receiver, homeTeam } = await initBolt(config, log, token);
  const slackLog = log.child({ part: 'slack' });
  const once = new WebClient(token, { ...clientOptions(config, log), retryConfig: ONCE_RETRY_CONFIG });
  const platform = new SlackPlatform(
    bolt.client,
    slackLog,
    Date.now,
    once,
    webApiFirstTry(bolt.client, slackFetch),
  );
  const core = await options.buildCore(platform);
  core.router.onCommand((observation) => http.metrics.observeCommand(observation));
  const queue = new WorkQueue({
    concurrency: config.OATIE_WORK_CONCURRENCY,
    limit: config.OATIE_WORK_QUEUE_LIMIT,
    log: slackLog,
  });
  const deliveries = new DeliveryLog(core.services.db, Date.now, DELIVERY_WINDOW_MS);
  http.metrics.watchOutbox(() => core.services.outbox.backlog());
  http.metrics.watchWorkQueue(() => queue.pending);
  const deps = {
    router: core.router,
    platform,
    log: slackLog,
    homeTeam,
    queue,
    firstDelivery: (key: string) => deliveries.firstDelivery(key),
  };
  registerListeners(bolt, deps);
  if (homeTeam === undefined) learnHomeTeam(bolt, deps);

  if (receiver) {
    const gate = slackRequestGate(
      {
        signingSecret: config.SLACK_SIGNING_SECRET ?? '',
        log: slackLog,
        answerUrl: postToResponseUrl,
        ackAtOnce: (request) => ackAtOnce(bolt, queue, request),
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
    acceptAcked(request, done) {
      queue.admit(() => processAcked(bolt, request).finally(done));
    },
    async stop() {
      if (!receiver) await bolt.stop();
      // Requests already acked get their answers before the core stops (bounded: Slack calls time out).
      await Promise.race([queue.drained(), new Promise((resolve) => setTimeout(resolve, DRAIN_MS).unref())]);
    },
  };
}
