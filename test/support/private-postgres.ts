// A throwaway Postgres server of our own (initdb + pg_ctl in a temp directory, random port), for
// what the shared local server cannot be changed to do, such as preloading pg_stat_statements.
// Runs as the postgres user when the tests run as root (initdb refuses root).
import { execFile } from 'node:child_process';
import pg from 'pg';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { closedPort } from './http-fake.js';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** URL of its `postgres` database (trust auth, user postgres). */
  url: string;
  /** Stops the server (fast shutdown: connections are cut), keeping its data. */
  pause(): Promise<void>;
  /** Starts it again on the same port with the same data. */
  resume(): Promise<void>;
  stop(): Promise<void>;
}

function binDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  const version = versions.find((v) => existsSync(join(root, v, 'bin', 'pg_ctl')));
  return version === undefined ? undefined : join(root, version, 'bin');
}

async function asOwner(command: string, args: string[]): Promise<void> {
  const asRoot = process.getuid?.() === 0;
  if (asRoot) await run('runuser', ['-u', 'postgres', '--', command, ...args]);
  else await run(command, args);
}

/** Whether a private server can be started on this machine (Postgres server binaries installed). */
export const canStartPrivatePostgres = (): boolean => binDir() !== undefined;

export async function startPrivatePostgres(settings: Record<string, string>): Promise<PrivatePostgres> {
  const bin = binDir();
  if (bin === undefined) throw new Error('Postgres server binaries not found under /usr/lib/postgresql');
  const dir = mkdtempSync(join(tmpdir(), 'oatie-pg-'));
  if (process.getuid?.() === 0)
    chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), 0);
  const data = join(dir, 'data');
  const port = await closedPort();
  await asOwner(join(bin, 'initdb'), [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  const options = [
    `-p ${port}`,
    `-k ${dir}`,
    '-c listen_addresses=127.0.0.1',
    '-c fsync=off',
    ...Object.entries(settings).map(([k, v]) => `-c ${k}=${v}`),
  ].join(' ');
  const start = () =>
    asOwner(join(bin, 'pg_ctl'), ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', 'start']);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    pause: () => asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']),
    resume: start,
    stop: async () => {
      await asOwner(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(
        () => undefined,
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `sql` on `url` as an application of the platform would (its own short-lived client). */
export async function runAs(url: string, sql: string, applicationName = 'report-service'): Promise<void> {
  const client = new pg.Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
