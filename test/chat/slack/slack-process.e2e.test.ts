// `npm start` with Slack credentials, as deployed: the real process serves /slack/events on PORT,
// answers a signed `/oatie help` privately within 3 seconds, and stops cleanly on SIGTERM. Its main
// thread (the answers) yields to the front door's thread (the acks) whenever both want a core.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { getPriority, tmpdir } from 'node:os';
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

/** The nice value of each thread of `pid`, by thread id (Linux: /proc/<pid>/task/<tid>/stat, field 19). */
function threadNiceness(pid: number): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // After the command name in parentheses: state is field 3, nice field 19.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nice.set(Number(tid), Number(fields[16]));
  }
  return nice;
}

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

    // The main thread (its id is the process's) runs OATIE_ANSWERS_NICENESS (5) steps nicer than the
    // process started; the front door's thread, among the others, keeps the start's value.
    const pid = bot.child.pid ?? 0;
    const nice = threadNiceness(pid);
    const started = getPriority();
    expect(nice.get(pid)).toBe(Math.min(19, started + 5));
    expect([...nice].filter(([tid, n]) => tid !== pid && n === started).length).toBeGreaterThan(0);

    bot.child.kill('SIGTERM');
    expect((await bot.exited).code).toBe(0);
    expect(bot.stderr()).toContain('shutting down');
    expect(bot.stderr()).not.toContain('xoxb-process-test');
  });
});
