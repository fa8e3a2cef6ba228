// Starts the real Slack adapter (Bolt over HTTP, signature checks on) on a free port, against the
// core built as in the other tests and the fake Slack Web API. Reusable by every Slack story.
import { startSlack, SLACK_EVENTS_PATH, type SlackBot } from '../../src/chat/slack/start-slack.js';
import type { Policy } from '../../src/config/policy.js';
import { silentLogger } from '../../src/core/logger.js';
import { createMetrics } from '../../src/http/metrics.js';
import { HttpServer } from '../../src/http/server.js';
import type { Db } from '../../src/store/db.js';
import type { FakeSlack } from './fake-slack.js';
import { SIGNING_SECRET } from './slack-signing.js';
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
