// Runs the bot as a real process, in a clean environment: `runBot` pipes text in and waits for the
// exit (`printf … | npm start`); `startBot` leaves it running, to be signalled or killed. The bot is the
// run's bundle (what `npm start` runs, made by test/global-setup.mjs), or, for a test file run without
// that set-up, the TypeScript through tsx.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

export interface BotRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunningBot {
  child: ChildProcessWithoutNullStreams;
  /** Standard output so far. */
  stdout(): string;
  /** Standard error (the JSON logs) so far. */
  stderr(): string;
  exited: Promise<BotRun>;
}

/** Only PATH and HOME of the test's own environment, so a developer's settings cannot leak in. */
const botEnv = (env: Record<string, string>): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  LOG_LEVEL: 'info',
  ...env,
});

function watch(child: ChildProcessWithoutNullStreams): RunningBot {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<BotRun>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** node's arguments that start the bot: `bundle` (the run's, by default), else src/main.ts with tsx's loader. */
function botArgs(bundle = process.env.OATIE_TEST_BOT): string[] {
  return bundle === undefined ? ['--import', 'tsx', 'src/main.ts'] : [bundle];
}

/** Starts the bot as one process (node itself, as the image runs it), so that a signal reaches the bot and not a wrapper. */
export function startBot(env: Record<string, string>): RunningBot {
  return watch(spawn(process.execPath, botArgs(), { cwd: ROOT, env: botEnv(env) }));
}

/** Runs the bot with `env` (from `bundle`, a dist/main.js, if given), writes `input`, and waits for the exit. */
export function runBot(
  input: string,
  env: Record<string, string>,
  timeoutMs = 240_000,
  bundle?: string,
): Promise<BotRun> {
  const args = botArgs(bundle);
  return runToExit(spawn(process.execPath, args, { cwd: ROOT, env: botEnv(env) }), input, timeoutMs);
}

/** Runs one of the project's scripts with tsx (`src/demo/seed.ts` …), writes `input`, waits for the exit. */
export function runScript(
  script: string,
  input: string,
  env: Record<string, string>,
  timeoutMs = 240_000,
): Promise<BotRun> {
  return runToExit(spawn(TSX, [script], { cwd: ROOT, env: botEnv(env) }), input, timeoutMs);
}

async function runToExit(
  child: ChildProcessWithoutNullStreams,
  input: string,
  timeoutMs: number,
): Promise<BotRun> {
  const bot = watch(child);
  bot.child.stdin.end(input);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      bot.child.kill('SIGKILL');
      reject(
        new Error(
          `bot did not exit within ${timeoutMs} ms\nstdout:\n${bot.stdout()}\nstderr:\n${bot.stderr()}`,
        ),
      );
    }, timeoutMs);
  });
  return Promise.race([bot.exited, timeout]).finally(() => clearTimeout(timer));
}

const READY = /"port":(\d+)[^\n]*"msg":"ready"/;

/** Resolves with the HTTP port from the bot's "ready" log line (LOG_LEVEL info or lower). */
export function readyPort(bot: RunningBot, timeoutMs = 30_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in ${timeoutMs} ms:\n${bot.stderr()}`)),
      timeoutMs,
    );
    const check = (): void => {
      const match = READY.exec(bot.stderr());
      if (!match) return;
      clearTimeout(timer);
      resolve(Number(match[1]));
    };
    bot.child.stderr.on('data', check);
    check();
    void bot.exited.then((run) => reject(new Error(`exited ${run.code}:\n${run.stderr}`)));
  });
}
