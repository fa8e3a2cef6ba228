// Starts the real Slack adapter (Bolt over HTTP, signature checks on) on a free port, against the
// core built as in the other tests and the fake Slack Web API. Reusable by every Slack story:
// startSlackStory brings the fake and a fresh store along.
import { startSlack, SLACK_EVENTS_PATH, type SlackBot } from '../../src/chat/slack/start-slack.js';
import type { Policy } from '../../src/config/policy.js';
import { silentLogger } from '../../src/core/logger.js';
import { createMetrics } from '../../src/http/metrics.js';
import { HttpServer } from '../../src/http/server.js';
import type { Db } from '../../src/store/db.js';
import { FakeSlack } from './fake-slack.js';
import { openFreshStore } from './fresh-store.js';
import { SIGNING_SECRET, postSigned, slashCommandBody, type SignedPost } from './slack-signing.js';
import { startTestApp, testConfig } from './test-app.js';

export interface RunningSlackBot {
  bot: SlackBot;
  /** http://127.0.0.1:<port> */
  baseUrl: string;
  /** Where Slack posts commands and interactions. */
  eventsUrl: string;
  stop(): Promise<void>;
}

export async function startSlackBot(options: {
  fake: FakeSlack;
  db: Db;
  env?: Record<string, string>;
  policy?: Policy;
}): Promise<RunningSlackBot> {
  const config = testConfig({
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: options.fake.url,
    PORT: '0',
    ...options.env,
  });
  const http = new HttpServer({
    log: silentLogger,
    metrics: createMetrics(),
    check: async () => {
      await options.db.query('SELECT 1');
    },
  });
  const bot = await startSlack({
    config,
    log: silentLogger,
    http,
    buildCore: (chat) => startTestApp({ db: options.db, chat, config, policy: options.policy }),
  });
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
  /** Stops the bot, drops the store, stops the fake. */
  stop(): Promise<void>;
}

/** The fake Slack, a fresh store (a Postgres database named after `database`, else PGlite), and the bot on both. */
export async function startSlackStory(
  options: { database?: string; policy?: Policy } = {},
): Promise<SlackStory> {
  const fake = await FakeSlack.start();
  const store = await openFreshStore(options.database);
  const slack = await startSlackBot({ fake, db: store.db, policy: options.policy });
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
    async stop() {
      await slack.stop();
      await store.close();
      await fake.stop();
    },
  };
}
