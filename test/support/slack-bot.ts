// Starts the real Slack adapter (Bolt over HTTP, signature checks on) on a free port, against the
// core built as in the other tests and the fake Slack Web API. Reusable by every Slack story:
// startSlackStory brings the fake and a fresh store along.
import { startSlack, SLACK_EVENTS_PATH, type SlackBot } from '../../src/chat/slack/start-slack.js';
import type { Policy } from '../../src/config/policy.js';
import { silentLogger, type Logger } from '../../src/core/logger.js';
import { createMetrics } from '../../src/http/metrics.js';
import { serveWebhooks } from '../../src/http/webhooks.js';
import { HttpServer } from '../../src/http/server.js';
import type { Db } from '../../src/store/db.js';
import { buildTargets } from '../../src/targets/build-targets.js';
import { buttonOf, FakeSlack, whereOf, type SlackCall } from './fake-slack.js';
import { openFreshStore } from './fresh-store.js';
import {
  SIGNING_SECRET,
  buttonClickBody,
  postSigned,
  slashCommandBody,
  type SignedPost,
} from './slack-signing.js';
import { startTestApp, testConfig } from './test-app.js';

export interface RunningSlackBot {
  bot: SlackBot;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Where Slack posts commands and interactions. */
  eventsUrl: string;
  stop(): Promise<void>;
}

export interface SlackBotOptions {
  env?: Record<string, string>;
  policy?: Policy;
  /** Builds the real targets from `env` (e.g. OATIE_DATABASE_URL), as main.ts does; none otherwise. */
  targets?: boolean;
  /** Where the adapter and the core log (silent by default). */
  log?: Logger;
}

export async function startSlackBot(
  options: SlackBotOptions & { fake: FakeSlack; db: Db },
): Promise<RunningSlackBot> {
  const log = options.log ?? silentLogger;
  const config = testConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: options.fake.url,
    PORT: '0',
    ...options.env,
  });
  const http = new HttpServer({ log: silentLogger, metrics: createMetrics() });
  const targets = options.targets ? await buildTargets(config, silentLogger) : undefined;
  const bot = await startSlack({
    config,
    log,
    http,
    buildCore: (chat) => startTestApp({ db: options.db, chat, config, policy: options.policy, targets, log }),
  });
  http.serveHealthFrom({ monitor: bot.core.health, ready: () => true });
  serveWebhooks(http, bot.core.services);
  const port = await http.listen(0, '127.0.0.1');
  bot.core.scheduler.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    bot,
    baseUrl,
    eventsUrl: `${baseUrl}${SLACK_EVENTS_PATH}`,
    async stop() {
      await http.close();
      await bot.stop();
      await bot.core.stop();
    },
  };
}

export interface SlackStory {
  fake: FakeSlack;
  db: Db;
  slack: RunningSlackBot;
  /** `/oatie <text>`, signed, as `user` (default U0ALICE) in `channel` (default C0GENERAL). */
  slash(text: string, from?: { user?: string; channel?: string; trigger?: string }): Promise<SignedPost>;
  /**
   * Clicks the button labelled `label` on a posted message as Slack shows it now (its latest update),
   * sending back its blocks as Slack does; throws when the message has no such button any more.
   */
  press(posted: SlackCall, label: string, user: string, trigger?: string, team?: string): Promise<SignedPost>;
  /** Stops the bot, drops the store, stops the fake. */
  stop(): Promise<void>;
}

/** The fake Slack, a fresh store (a Postgres database named after `database`, else PGlite), and the bot on both. */
export async function startSlackStory(
  options: SlackBotOptions & { database?: string } = {},
): Promise<SlackStory> {
  const fake = await FakeSlack.start();
  const store = await openFreshStore(options.database);
  const slack = await startSlackBot({ ...options, fake, db: store.db });
  return {
    fake,
    db: store.db,
    slack,
    slash: (text, from = {}) =>
      postSigned(
        slack.eventsUrl,
        slashCommandBody({
          text,
          user_id: from.user ?? 'U0ALICE',
          channel_id: from.channel ?? 'C0GENERAL',
          ...(from.trigger === undefined ? {} : { trigger_id: from.trigger }),
          response_url: fake.responseUrl(),
        }),
      ),
    press(posted, label, user, trigger, team) {
      const shown = fake.current(posted);
      const { channel, ts } = whereOf(posted);
      const actionId = buttonOf(shown, label).action_id;
      const message = { text: shown.params.text, blocks: shown.params.blocks };
      const responseUrl = fake.responseUrl();
      return postSigned(
        slack.eventsUrl,
        buttonClickBody({ user, channel, ts, actionId, responseUrl, trigger, message, team }),
      );
    },
    async stop() {
      await slack.stop();
      await store.close();
      await fake.stop();
    },
  };
}
