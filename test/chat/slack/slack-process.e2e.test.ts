// `npm start` with Slack credentials, as deployed: the real process serves /slack/events on PORT,
// answers a signed `/oatie help` privately within 3 seconds, and stops cleanly on SIGTERM.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeSlack } from '../../support/fake-slack.js';
import { readyPort, startBot } from '../../support/run-bot.js';
import { postSigned, SIGNING_SECRET, slashCommandBody } from '../../support/slack-signing.js';

let fake: FakeSlack;
let dataDir: string;

beforeAll(async () => {
  fake = await FakeSlack.start();
  dataDir = await mkdtemp(join(tmpdir(), 'oatie-slack-'));
});

afterAll(async () => {
  await fake.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('the bot process with Slack credentials', () => {
  it('serves Slack on PORT, answers /oatie help privately, and stops on SIGTERM', async () => {
    const bot = startBot({
      LOG_LEVEL: 'info',
      PORT: '0',
      OATIE_DATA_DIR: dataDir,
      SLACK_BOT_TOKEN: 'xoxb-process-test',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.url,
    });
    const port = await readyPort(bot, 120_000);
    const answer = await postSigned(
      `http://127.0.0.1:${port}/slack/events`,
      slashCommandBody({ text: 'help', user_id: 'U0PROC' }),
    );
    expect(answer.status).toBe(200);
    await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0PROC');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
    expect(bot.stderr()).toContain('shutting down');
    expect(bot.stderr()).not.toContain('xoxb-process-test');
  });
});
