// `npm start` builds dist/ under a lock so two starts never write it together. A start killed mid-build
// leaves the lock behind: the next start must take it over, not wait on it for ten minutes.
// scripts/start.mjs runs here in a scratch project whose build.mjs is a stub that only stamps dist/.
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../support/run-bot.js';

const STUB_BUILD = `
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const STAMP = join(ROOT, 'dist', 'stamp');
export function isBuildFresh() { return existsSync(STAMP); }
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  appendFileSync(join(ROOT, 'builds.log'), 'build\\n');
  writeFileSync(STAMP, 'built');
}
`;

async function scratchProject(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oatie-start-'));
  await mkdir(join(dir, 'scripts'));
  await mkdir(join(dir, 'dist'));
  await copyFile(join(ROOT, 'scripts', 'start.mjs'), join(dir, 'scripts', 'start.mjs'));
  await writeFile(join(dir, 'scripts', 'build.mjs'), STUB_BUILD);
  await writeFile(join(dir, 'dist', 'main.js'), "process.stdout.write('bot started\\n');\n");
  await writeFile(join(dir, 'package.json'), '{"type":"module"}');
  return dir;
}

function start(dir: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, [join(dir, 'scripts', 'start.mjs')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout })));
}

/** A pid that is certainly not running: a child that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid ?? 0;
}

describe('npm start and its build lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await scratchProject();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('a lock left by a start that was killed mid-build is taken over: the build runs and the bot starts', async () => {
    await mkdir(join(dir, '.build-lock'));
    await writeFile(join(dir, '.build-lock', 'pid'), String(await deadPid()));

    const run = await start(dir);

    expect(run).toEqual({ code: 0, stdout: 'bot started\n' });
    expect(await readFile(join(dir, 'builds.log'), 'utf8')).toBe('build\n');
    await expect(stat(join(dir, '.build-lock'))).rejects.toThrow(/ENOENT/);
  });

  test('a lock held by a live build is waited for, not broken', async () => {
    // This test process plays the build in progress; it "finishes" by stamping and releasing the lock.
    await mkdir(join(dir, '.build-lock'));
    await writeFile(join(dir, '.build-lock', 'pid'), String(process.pid));
    const run = start(dir);
    // Hold the lock a while: a start that broke it would build at once (its build is logged).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await writeFile(join(dir, 'dist', 'stamp'), 'built by the holder');
    await rm(join(dir, '.build-lock'), { recursive: true });

    expect(await run).toEqual({ code: 0, stdout: 'bot started\n' });
    // When the holder finished, dist/ was fresh: the waiting start did not build again.
    await expect(readFile(join(dir, 'builds.log'), 'utf8')).rejects.toThrow(/ENOENT/);
  });
});
