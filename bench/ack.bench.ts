// Acknowledgement latency under load: signed `/oatie help` at 100, 300, 1,000 and 2,000 a second to the
// bot as it runs in production (`node dist/main.js`, Postgres store, the fake Slack for the Web API and
// response_url, in a process of its own), and, in the same run and turn by turn, to a bare Bolt app that only acks. Every answer
// must be delivered; the bot's memory is read at idle and after each load.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { responseUrlAt } from '../test/support/fake-slack.js';
import { createTestDatabase } from '../test/support/databases.js';
import { ROOT } from '../test/support/run-bot.js';
import { SIGNING_SECRET } from '../test/support/slack-signing.js';
import { pacedLoad, type LoadResult } from './ack-load.js';
import { sleep, startBotProcess, treeRssMiB } from './bot-process.js';
import { fmt, percentile } from './measure.js';
import type { Result } from './results.js';

const RATES = [100, 300, 1000, 2000];
const DURATION_MS = 4000;

async function startBare(): Promise<{ url: string; stop(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/bare-bolt.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  return { url: `http://127.0.0.1:${port}/slack/events`, stop: () => child.kill('SIGTERM') };
}

interface FakeSlackProcess {
  url: string;
  responseUrl(): string;
  /** Answers delivered so far: response_url posts and ephemerals. */
  delivered(): Promise<number>;
  stop(): void;
}

/** The fake Slack in its own process (see fake-slack-process.ts). */
async function startFakeSlack(): Promise<FakeSlackProcess> {
  const child: ChildProcess = fork('bench/fake-slack-process.ts', {
    cwd: ROOT,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = <T>(key: string) =>
    new Promise<T>((resolve) => {
      const listen = (message: unknown) => {
        if (typeof message === 'object' && message !== null && key in message) {
          child.off('message', listen);
          resolve((message as Record<string, T>)[key] as T);
        }
      };
      child.on('message', listen);
    });
  const port = await next<number>('port');
  return {
    url: `http://127.0.0.1:${port}/api/`,
    responseUrl: () => responseUrlAt(port),
    delivered() {
      const answer = next<number>('delivered');
      child.send('delivered');
      return answer;
    },
    stop: () => child.disconnect(),
  };
}

export async function run(): Promise<Result[]> {
  const fake = await startFakeSlack();
  const testDb = await createTestDatabase('benchack');
  const bot = await startBotProcess('node', ['dist/main.js'], {
    DATABASE_URL: testDb.url,
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    PORT: '0',
  });
  const botUrl = `http://127.0.0.1:${String(bot.ready.port)}/slack/events`;
  const bare = await startBare();
  const results: Result[] = [];
  const memory: Array<[string, number]> = [];
  try {
    // Warm both (JIT, connections), then read the bot's idle memory.
    await pacedLoad({
      url: botUrl,
      perSecond: 100,
      durationMs: 1000,
      text: 'help',
      responseUrl: () => fake.responseUrl(),
    });
    await pacedLoad({ url: bare.url, perSecond: 100, durationMs: 1000, text: 'help' });
    await sleep(2000);
    memory.push(['idle', treeRssMiB(bot.child.pid!)]);
    for (const perSecond of RATES) {
      const bareLoad = await pacedLoad({ url: bare.url, perSecond, durationMs: DURATION_MS, text: 'help' });
      await sleep(500);
      const before = await fake.delivered();
      const botLoad = await pacedLoad({
        url: botUrl,
        perSecond,
        durationMs: DURATION_MS,
        text: 'help',
        responseUrl: () => fake.responseUrl(),
      });
      const expected = botLoad.sent - botLoad.errors - botLoad.busy;
      const deadline = Date.now() + 60_000;
      let answers = (await fake.delivered()) - before;
      while (answers < expected && Date.now() < deadline) {
        await sleep(50);
        answers = (await fake.delivered()) - before;
      }
      memory.push([`after ${perSecond}/s`, treeRssMiB(bot.child.pid!)]);
      results.push(row(perSecond, botLoad, bareLoad, answers));
      await sleep(500);
    }
  } finally {
    bare.stop();
    await bot.stop();
    await testDb.drop();
    fake.stop();
  }
  results.push({
    id: 'ack.memory',
    figure: 'bot memory (RSS): idle, then after each load',
    value: memory.map(([when, mib]) => `${when} ${mib} MiB`).join(', '),
    data: Object.fromEntries(memory),
  });
  return results;
}

function row(perSecond: number, bot: LoadResult, bare: LoadResult, answers: number): Result {
  const p = (r: LoadResult, q: number) => percentile(r.ackMs, q);
  const ratio = p(bare, 99) > 0 ? p(bot, 99) / p(bare, 99) : NaN;
  const goals: string[] = [];
  let holds = answers === bot.sent && bot.errors === 0;
  if (perSecond === 1000) {
    goals.push('p99 ≤ 50 ms, every answer');
    holds &&= p(bot, 99) <= 50;
  }
  if (perSecond === 300) {
    goals.push('p99 ≤ 1.25× bare, every answer');
    holds &&= ratio <= 1.25;
  }
  return {
    id: `ack.${perSecond}`,
    figure: `ack at ${perSecond.toLocaleString('en-US')}/s: bot p50 / p99 — bare Bolt p50 / p99 (p99 ratio); errors; answers`,
    value:
      `${fmt(p(bot, 50))} / ${fmt(p(bot, 99))} — ${fmt(p(bare, 50))} / ${fmt(p(bare, 99))} (${ratio.toFixed(2)}×); ` +
      `${bot.errors} errors${bot.busy > 0 ? `, ${bot.busy} busy` : ''}; ${answers} of ${bot.sent} answered`,
    goal: goals.length > 0 ? goals.join('; ') : 'every answer',
    holds,
    data: {
      perSecond,
      bot: { p50: p(bot, 50), p99: p(bot, 99), sent: bot.sent, errors: bot.errors, busy: bot.busy, answers },
      bare: { p50: p(bare, 50), p99: p(bare, 99), sent: bare.sent, errors: bare.errors },
      p99Ratio: ratio,
    },
  };
}
