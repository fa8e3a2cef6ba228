// The built bot's code cache (src/core/code-cache.ts), on copies of the run's bundle: the first start
// writes it, the next reads it, and a cache that does not fit is made again; the libraries kept outside
// the bundle still load from a start that read one (Node 20 loses a cached script's own import()); a
// start whose cache cannot be read or written (as in the image) goes on without one.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT, runBot, type BotRun } from '../support/run-bot.js';

let bundleDir: string;
let dataRoot: string;

/** A copy of the run's bundle of its own (inside the project, where it finds node_modules). */
async function freshBundle(): Promise<string> {
  const run = process.env.OATIE_TEST_BOT;
  if (run === undefined)
    throw new Error('OATIE_TEST_BOT is not set: run this file with jest (test/global-setup.mjs)');
  const dir = await mkdtemp(join(bundleDir, 'bundle-'));
  for (const name of ['main.js', 'bot.cjs', 'front-door-worker.js'])
    await cp(join(dirname(run), name), join(dir, name));
  return dir;
}

async function start(dir: string, env: Record<string, string> = {}): Promise<BotRun> {
  const dataDir = await mkdtemp(join(dataRoot, 'data-'));
  const template = process.env.OATIE_TEST_PGLITE_TEMPLATE;
  if (template !== undefined) await cp(template, dataDir, { recursive: true });
  return runBot('', { OATIE_DATA_DIR: dataDir, ...env }, 60_000, join(dir, 'main.js'));
}

const readyOf = (run: BotRun) =>
  JSON.parse(run.stderr.split('\n').find((l) => l.includes('"msg":"ready"')) ?? '{}') as {
    codeCache?: string;
  };
const cachesIn = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith('.cache'));

beforeAll(async () => {
  const cache = join(ROOT, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  bundleDir = await mkdtemp(join(cache, 'oatie-code-cache-'));
  dataRoot = await mkdtemp(join(tmpdir(), 'oatie-code-cache-'));
});
afterAll(async () => {
  await rm(bundleDir, { recursive: true, force: true });
  await rm(dataRoot, { recursive: true, force: true });
});

describe('the code cache of the built bot', () => {
  it('is written by the first start and read by the next, which still loads the libraries outside the bundle', async () => {
    const dir = await freshBundle();
    const first = await start(dir);
    expect({ code: first.code, cache: readyOf(first).codeCache }).toEqual({ code: 0, cache: 'none' });
    expect(await cachesIn(dir)).toHaveLength(1);

    const second = await start(dir);
    expect({ code: second.code, cache: readyOf(second).codeCache }).toEqual({ code: 0, cache: 'used' });
    // The Kubernetes client is imported through the entry point: a kubeconfig that cannot be read is
    // reported as such, not as "A dynamic import callback was not specified".
    const kube = await start(dir, { KUBECONFIG: join(dataRoot, 'missing-kubeconfig') });
    expect(kube.code).toBe(2);
    expect(kube.stderr).toContain('cannot load the Kubernetes configuration from KUBECONFIG');
  });

  it('makes a cache again when V8 rejects it, and keeps one per set of Node flags', async () => {
    const dir = await freshBundle();
    await start(dir);
    const [file = ''] = await cachesIn(dir);
    await writeFile(join(dir, file), 'not a code cache');
    const rejected = await start(dir);
    expect({ code: rejected.code, cache: readyOf(rejected).codeCache }).toEqual({
      code: 0,
      cache: 'rejected',
    });

    const withFlag = await start(dir, { NODE_OPTIONS: '--max-semi-space-size=2' });
    expect(readyOf(withFlag).codeCache).toBe('none');
    expect(await cachesIn(dir)).toHaveLength(2);
  });

  it('starts all the same where its cache cannot be read or written', async () => {
    // As the image's read-only dist/ would (the tests run as root, whom file modes do not stop): the
    // cache's name is taken by a folder.
    const dir = await freshBundle();
    await start(dir);
    const [file = ''] = await cachesIn(dir);
    await rm(join(dir, file));
    await mkdir(join(dir, file, 'in-the-way'), { recursive: true });
    const run = await start(dir);
    expect({ code: run.code, cache: readyOf(run).codeCache }).toEqual({ code: 0, cache: 'none' });
    // Nothing half-written is left behind.
    expect((await readdir(dir)).filter((f) => f.includes('.cache.'))).toEqual([]);
  });
});
