// Unsigned oversized bodies against a real bot process (`npm start` with Slack credentials, on a
// Postgres store): 24 concurrent 3.9 MB bodies, a few rounds, and how much the process's RSS grows.
// The request checks refuse them on their headers, so the bodies are never buffered.
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createTestDatabase } from '../test/support/databases.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { startBot, type RunningBot } from '../test/support/run-bot.js';
import { SIGNING_SECRET } from '../test/support/slack-signing.js';
import type { Figure } from './measure.js';

const CONCURRENT = 24;
const ROUNDS = 5;
const BODY = Buffer.alloc(3_900_000, 'a');

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

function readyPort(bot: RunningBot): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in 60 s:\n${bot.stderr()}`)), 60_000);
    bot.child.stderr.on('data', () => {
      const match = /"port":(\d+)[^\n]*"msg":"ready"/.exec(bot.stderr());
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
  });
}

/** One unsigned body of 3.9 MB; resolves with the status (0 when the server cut the connection first). */
function postUnsigned(url: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': BODY.length },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(20_000, () => req.destroy());
    req.end(BODY);
  });
}

export async function run(): Promise<Figure[]> {
  const fake = await FakeSlack.start();
  const database = await createTestDatabase('bench_flood');
  const bot = startBot({
    LOG_LEVEL: 'info',
    PORT: '0',
    DATABASE_URL: database.url,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
  });
  try {
    const port = await readyPort(bot);
    const pid = bot.child.pid ?? 0;
    const url = `http://127.0.0.1:${port}/slack/events`;
    await new Promise((r) => setTimeout(r, 1000));
    const before = rssMiB(pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 10);
    const statuses = new Map<number, number>();
    let firstRoundPeak = before;
    for (let round = 0; round < ROUNDS; round += 1) {
      const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => postUnsigned(url)));
      for (const status of answers) statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (round === 0) firstRoundPeak = peak;
    }
    clearInterval(sampler);
    const counted = [...statuses].map(([status, n]) => `${n}× ${status || 'cut'}`).join(', ');
    const growth = (to: number) => `${(to - before).toFixed(1)} MiB`;
    return [
      {
        name: `RSS growth, ${CONCURRENT} concurrent unsigned 3.9 MB bodies to npm start (once / ${ROUNDS} rounds)`,
        value: `${growth(firstRoundPeak)} / ${growth(peak)} (from ${before.toFixed(0)} MiB; answers: ${counted})`,
      },
    ];
  } finally {
    bot.child.kill('SIGTERM');
    await bot.exited;
    await fake.stop();
    await database.drop();
  }
}
