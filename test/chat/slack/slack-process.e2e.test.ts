// `npm start` with Slack credentials, as deployed: the real process serves /slack/events on PORT,
// answers a signed `/oatie help` privately within 3 seconds, and stops cleanly on SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeSlack } from '../../support/fake-slack.js';
import { ROOT } from '../../support/run-bot.js';
import { postSigned, SIGNING_SECRET, slashCommandBody } from '../../support/slack-signing.js';

const TSX = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

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

/** Resolves with the port from the bot's "ready" log line. */
function readyPort(child: ChildProcessWithoutNullStreams, log: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 30 s:\n${log.join('')}`)), 30_000);
    child.stderr.on('data', (d: Buffer) => {
      log.push(d.toString());
      const match = /"port":(\d+)[^\n]*"msg":"ready"/.exec(log.join(''));
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}:\n${log.join('')}`)));
  });
}

describe('the bot process with Slack credentials', () => {
  it('serves Slack on PORT, answers /oatie help privately, and stops on SIGTERM', async () => {
    const child = spawn(TSX, ['src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'info',
        PORT: '0',
        OATIE_DATA_DIR: dataDir,
        SLACK_BOT_TOKEN: 'xoxb-process-test',
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.url,
      },
    });
    const log: string[] = [];
    const port = await readyPort(child, log);
    const answer = await postSigned(
      `http://127.0.0.1:${port}/slack/events`,
      slashCommandBody({ text: 'help', user_id: 'U0PROC' }),
    );
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3000);
    await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0PROC');
    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);

    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(log.join('')).toContain('shutting down');
    expect(log.join('')).not.toContain('xoxb-process-test');
  }, 45_000);
});
