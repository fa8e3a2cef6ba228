// The console adapter end to end: a real `npm start` process driven through a pipe.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBot } from '../../support/run-bot.js';

describe('the console, scripted through a pipe', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'oatie-console-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  it('answers every line — help, typos, buttons that do not exist, other users — then exits cleanly', async () => {
    const script = [
      'help db',
      'db conections',
      '/oatie frobnicate',
      'db terminate 12;DROP TABLE users',
      'press a99',
      'as',
      'as bob help audit',
      'wait 1s',
      'audit',
    ].join('\n');
    const run = await runBot(`${script}\n`, { OATIE_DATA_DIR: dataDir, OATIE_CHAT: 'console' });
    expect(run.code).toBe(0);
    const out = run.stdout;
    expect(out).toContain('*** Help: db ***');
    expect(out).toContain('db long-running [--older-than 5m]');
    expect(out).toContain('Did you mean `db connections [--idle-for 10m]`?');
    expect(out).toContain('Unknown command `frobnicate`.');
    expect(out).toContain('<pid>: expected a process id (a whole number).');
    expect(out).toContain('There is no button a99');
    expect(out).toContain('Usage: as <user> <command>');
    expect(out).toContain('--- #console (only @bob sees this) ---\n*** Help: audit ***');
    // The audit log lists what alice and bob ran, newest first.
    expect(out).toMatch(/alice\s+command\s+help/);
    expect(out).toMatch(/bob\s+command\s+help/);
    // Logs are JSON on standard error, never mixed into the answers.
    expect(run.stderr).toContain('"msg":"ready"');
    expect(out).not.toContain('"level"');
  });

  it('stops with exit code 2 and one line per wrong variable', async () => {
    const run = await runBot('', { PORT: 'x', OATIE_TIMEZONE: 'Nowhere/Land', OATIE_DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toBe('oatie-ops: invalid configuration of PORT — expected a whole number');
    expect(lines[1]).toMatch(/^oatie-ops: invalid configuration of OATIE_TIMEZONE — expected an IANA/);
    expect(run.stderr).not.toContain('at ');
  });

  it('stops with exit code 2 when a target is configured with a file that cannot be read', async () => {
    const run = await runBot('', { KUBECONFIG: '/nonexistent/kubeconfig', OATIE_DATA_DIR: dataDir });
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toMatch(/^oatie-ops: invalid target configuration — .*KUBECONFIG/);
  });

  it('stops with exit code 1 and one clear line when the store cannot be reached', async () => {
    const run = await runBot('', {
      DATABASE_URL: 'postgres://postgres:hunter2@127.0.0.1:1/oatie',
      OATIE_DATA_DIR: dataDir,
    });
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toMatch(
      /^oatie-ops: cannot open the store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/oatie: .*ECONNREFUSED/,
    );
    expect(run.stderr).not.toContain('hunter2');
  });
  it('never prints a secret at start-up: a kubeconfig that does not parse, a store URL with ?password=', async () => {
    const kubeconfig = join(dataDir, 'broken-kubeconfig');
    // A token line right above the syntax error: the YAML parser quotes the lines around it.
    await writeFile(
      kubeconfig,
      'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: kubeSecretToken123\n   bad: [\n',
    );
    const kube = await runBot('', { KUBECONFIG: kubeconfig, OATIE_DATA_DIR: dataDir });
    expect(kube.code).toBe(2);
    expect(kube.stderr.trim()).toMatch(/^oatie-ops: invalid target configuration — .*KUBECONFIG/);
    expect(kube.stderr).not.toContain('kubeSecretToken123');

    const store = await runBot('', {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/oatie?password=hunter2&sslmode=disable',
      OATIE_DATA_DIR: dataDir,
    });
    expect(store.code).toBe(1);
    expect(store.stderr).toContain('password=[redacted]');
    expect(store.stderr).not.toContain('hunter2');
  });
});
