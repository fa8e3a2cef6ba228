// The front door: when Slack talks to the bot over HTTP, a thread of its own owns the port and acks
// Slack's requests there (front-door-worker.ts), so an ack never waits behind the answers the main
// thread is busy with. What it acked comes here to be run; everything else is forwarded to the main
// thread's HTTP server, which then listens on 127.0.0.1 only.
import { existsSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { PassedRequest } from '../chat/slack/slack-request-gate.js';
import type { FromFrontDoor, ToFrontDoor } from './front-door-protocol.js';

export interface FrontDoorOptions {
  port: number;
  host?: string;
  innerPort: number;
  slackPath: string;
  signingSecret: string;
  bodyLimit: number;
  admitLimit: number;
  log: Logger;
  /** Runs a request the front door acked; `done` must be called once it has finished. */
  onAcked(request: PassedRequest, done: () => void): void;
  /** The thread stopped on its own (it cannot be: the bot is deaf without it). */
  onFailure(reason: string): void;
}

export interface FrontDoor {
  port: number;
  /** Stops taking connections; requests in flight get a few seconds. */
  close(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const CLOSE_TIMEOUT_MS = 5_000;
/** The highest nice value. */
const NICEST = 19;

/**
 * Lets the front door's thread, once started, go first whenever it and the calling (main) thread both
 * want a core: the calling thread's nice value goes up by `steps`. On Linux that value is a thread's
 * own (POSIX says the process's; Linux's threads each have one), and pid 0 names the calling thread,
 * so the front door keeps the value it was started with. Elsewhere nothing changes.
 */
export function yieldToFrontDoor(steps: number): void {
  if (steps === 0 || process.platform !== 'linux') return;
  setPriority(Math.min(NICEST, getPriority() + steps));
}

/**
 * The compiled thread beside this file; else (npm run dev, the tests) its TypeScript, through tsx's
 * loader registered in the thread itself (a thread does not inherit the loaders of the main thread).
 */
function workerScript(): { script: string | URL; eval: boolean } {
  const js = new URL('./front-door-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(js))) return { script: js, eval: false };
  const ts = new URL('./front-door-worker.ts', import.meta.url).href;
  const script = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(ts)}); });`;
  return { script, eval: true };
}

export async function openFrontDoor(options: FrontDoorOptions): Promise<FrontDoor> {
  const { log } = options;
  const admitted = new SharedArrayBuffer(4);
  const counter = new Int32Array(admitted);
  const { script, eval: isCode } = workerScript();
  const worker = new Worker(script, {
    eval: isCode,
    workerData: {
      port: options.port,
      host: options.host,
      innerPort: options.innerPort,
      slackPath: options.slackPath,
      signingSecret: options.signingSecret,
      bodyLimit: options.bodyLimit,
      admitLimit: options.admitLimit,
      admitted,
    },
    // The thread only parses, checks and forwards: a small young generation keeps it lean.
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
  let closing = false;
  let closed: (() => void) | undefined;
  const listening = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the front door did not open in time')),
      START_TIMEOUT_MS,
    );
    worker.on('message', (message: FromFrontDoor) => {
      switch (message.kind) {
        case 'listening':
          clearTimeout(timer);
          resolve(message.port);
          break;
        case 'failed':
          clearTimeout(timer);
          reject(new Error(message.message));
          break;
        case 'passed': {
          let finished = false;
          options.onAcked(message.request, () => {
            if (finished) return;
            finished = true;
            Atomics.sub(counter, 0, 1);
          });
          break;
        }
        case 'log':
          log[message.level](message.fields, message.msg);
          break;
        case 'closed':
          closed?.();
          break;
      }
    });
    worker.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
      if (!closing) options.onFailure(`the front door failed: ${describeError(error)}`);
    });
    worker.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the front door stopped (exit ${code})`));
      if (!closing) options.onFailure(`the front door stopped (exit ${code})`);
    });
  });
  let port: number;
  try {
    port = await listening;
  } catch (error) {
    closing = true;
    await worker.terminate();
    throw error;
  }
  return {
    port,
    async close() {
      if (closing) return;
      closing = true;
      const done = new Promise<void>((resolve) => {
        closed = resolve;
        setTimeout(resolve, CLOSE_TIMEOUT_MS).unref();
      });
      worker.postMessage({ kind: 'close' } satisfies ToFrontDoor);
      await done;
      await worker.terminate();
    },
  };
}
