// Memory at idle and start-up time, of the bot as a user runs it: `node dist/main.js` and `npm start`
// in Slack mode on Postgres, on the embedded store with a new and a reopened data directory, and
// `npm start` in the terminal from spawn to ready and to exit.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '../test/support/databases.js';
import { FakeSlack } from '../test/support/fake-slack.js';
import { ROOT } from '../test/support/run-bot.js';
import { SIGNING_SECRET } from '../test/support/slack-signing.js';
import { sleep, startBotProcess, treeRssMiB } from './bot-process.js';
import { percentile } from './measure.js';
import type { Result } from './results.js';

const IDLE_MS = 3000;
const RUNS = 7;

async function idleRss(command: string, args: string[], env: Record<string, string>): Promise<number> {
  const bot = await startBotProcess(command, args, env);
  try {
    await sleep(IDLE_MS);
    return treeRssMiB(bot.child.pid ?? 0);
  } finally {
    await bot.stop();
  }
}

interface ConsoleRun {
  /** The bot's own start-up time, from main() to ready (its log's `mainMs`): the measure. */
  mainMs: number;
  /** From the process's start to ready (its log's `ms`): node and every module loaded included. */
  readyMs: number;
  spawnToReadyMs: number;
  wholeMs: number;
}

/** `npm start` in the terminal with nothing typed: ms to ready (the bot's own log), to ready and to exit (from spawn). */
function consoleRun(dataDir: string): Promise<ConsoleRun> {
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      OATIE_DATA_DIR: dataDir,
      LOG_LEVEL: 'info',
    },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  child.stdin.end();
  let stderr = '';
  let spawnToReadyMs = NaN;
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (Number.isNaN(spawnToReadyMs) && stderr.includes('"msg":"ready"'))
      spawnToReadyMs = performance.now() - started;
  });
  return new Promise((resolve, reject) => {
    child.on('exit', (code) => {
      const line = stderr.split('\n').find((l) => l.includes('"msg":"ready"'));
      if (code !== 0 || !line) return reject(new Error(`npm start exited ${code}:\n${stderr}`));
      const logged = JSON.parse(line) as { ms: number; mainMs: number };
      resolve({
        mainMs: logged.mainMs,
        readyMs: logged.ms,
        spawnToReadyMs,
        wholeMs: performance.now() - started,
      });
    });
  });
}

const median = (values: number[]) =>
  percentile(
    [...values].sort((a, b) => a - b),
    50,
  );

export async function run(): Promise<Result[]> {
  const fake = await FakeSlack.start();
  const testDb = await createTestDatabase('benchidle');
  const dirs: string[] = [];
  const slack = {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.url,
    PORT: '0',
  };
  try {
    const pgNode = await idleRss('node', ['dist/main.js'], { ...slack, DATABASE_URL: testDb.url });
    const pgNpm = await idleRss('npm', ['start'], { ...slack, DATABASE_URL: testDb.url });
    const embeddedDir = await mkdtemp(join(tmpdir(), 'oatie-bench-'));
    dirs.push(embeddedDir);
    const embeddedNew = await idleRss('node', ['dist/main.js'], { ...slack, OATIE_DATA_DIR: embeddedDir });
    const embeddedReopened = await idleRss('node', ['dist/main.js'], {
      ...slack,
      OATIE_DATA_DIR: embeddedDir,
    });

    const fresh: ConsoleRun[] = [];
    const again: ConsoleRun[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const dir = await mkdtemp(join(tmpdir(), 'oatie-bench-'));
      dirs.push(dir);
      fresh.push(await consoleRun(dir));
      again.push(await consoleRun(dir));
    }
    const m = (runs: ConsoleRun[], key: keyof ConsoleRun) => median(runs.map((r) => r[key]));
    return [
      {
        id: 'memory.postgres',
        figure:
          'idle RSS, Slack mode, Postgres store: `node dist/main.js` / `npm start` (whole process tree)',
        value: `${pgNode} MiB / ${pgNpm} MiB`,
        goal: '≤ 120 / ≤ 150 MB',
        holds: pgNode <= 120 && pgNpm <= 150,
        data: { node: pgNode, npmStart: pgNpm },
      },
      {
        id: 'memory.embedded',
        figure: 'idle RSS, Slack mode, embedded store: new data directory / reopened (`node dist/main.js`)',
        value: `${embeddedNew} MiB / ${embeddedReopened} MiB`,
        goal: '≤ 250 / ≤ 250 MB',
        holds: embeddedNew <= 250 && embeddedReopened <= 250,
        data: { newDataDir: embeddedNew, reopened: embeddedReopened },
      },
      {
        id: 'startup',
        // The figure is the bot's own log of its start-up, which counted from main() when the
        // issue was filed (all modules were loaded before main() then; now some load within it).
        figure: `\`npm start\` to ready, new / existing data directory (median of ${RUNS}; the bot's own start-up time, from main(); then from the process's start and from spawn)`,
        value: `${m(fresh, 'mainMs')} / ${m(again, 'mainMs')} ms (from the process's start ${m(fresh, 'readyMs')} / ${m(again, 'readyMs')} ms, from spawn ${m(fresh, 'spawnToReadyMs').toFixed(0)} / ${m(again, 'spawnToReadyMs').toFixed(0)} ms)`,
        goal: '≤ 1500 / ≤ 500 ms',
        holds: m(fresh, 'mainMs') <= 1500 && m(again, 'mainMs') <= 500,
        data: { fresh, again },
      },
      {
        id: 'startup.whole',
        figure: '`npm start` whole process (spawn to exit, nothing typed), new / existing data directory',
        value: `${m(fresh, 'wholeMs').toFixed(0)} / ${m(again, 'wholeMs').toFixed(0)} ms`,
        goal: '≤ 2000 / ≤ 1200 ms',
        holds: m(fresh, 'wholeMs') <= 2000 && m(again, 'wholeMs') <= 1200,
      },
    ];
  } finally {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    await testDb.drop();
    await fake.stop();
  }
}
