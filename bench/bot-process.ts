// The bot as a user runs it (`node dist/main.js`, `npm start`), as a child process: time to its
// "ready" log line, and the resident memory of its whole process tree read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ROOT } from '../test/support/run-bot.js';

export interface BotProcess {
  child: ChildProcess;
  /** Milliseconds from spawn to the ready line (whole process: node start-up, imports, store). */
  wallToReadyMs: number;
  /** What the bot itself logged as its start-up time (from main() to ready). */
  readyMs: number;
  /** The fields of its ready line (port, chat, store …). */
  ready: Record<string, unknown>;
  stderr(): string;
  stop(): Promise<void>;
}

function kb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function children(pid: number): number[] {
  try {
    const tasks = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8');
    return tasks
      .split(' ')
      .filter((s) => s.trim() !== '')
      .map(Number);
  } catch {
    return [];
  }
}

/** Resident memory of `pid` and all its descendants, in MiB. */
export function treeRssMiB(pid: number): number {
  let total = 0;
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    total += kb(next);
    queue.push(...children(next));
  }
  return Math.round(total / 1024);
}

/** Starts `command args` in the repository with only `env` (plus PATH and HOME); resolves at "ready". */
export async function startBotProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<BotProcess> {
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'info', ...env },
    stdio: ['pipe', 'ignore', 'pipe'],
    // Its own process group, so stopping reaches what `npm start` runs, not only npm.
    detached: true,
  });
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const ready = await new Promise<{ ms: number } & Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in ${timeoutMs} ms:\n${stderr}`)), timeoutMs);
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
      const line = stderr.split('\n').find((l) => l.includes('"msg":"ready"'));
      if (line) {
        clearTimeout(timer);
        resolve(JSON.parse(line) as { ms: number } & Record<string, unknown>);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ready:\n${stderr}`));
    });
  });
  return {
    child,
    wallToReadyMs: performance.now() - started,
    readyMs: ready.ms,
    ready,
    stderr: () => stderr,
    async stop() {
      child.stdin?.end();
      const signal = (name: NodeJS.Signals) => {
        try {
          if (child.pid !== undefined) process.kill(-child.pid, name);
        } catch {
          // already gone
        }
      };
      signal('SIGTERM');
      const timer = setTimeout(() => signal('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
