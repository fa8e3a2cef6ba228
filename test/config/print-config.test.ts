// `npm start -- --print-config`: the effective configuration with every secret masked, then exit.
import { spawn } from 'node:child_process';
import { ROOT, type BotRun } from '../support/run-bot.js';

/** `npm start -- --print-config` itself (the npm script, as a newcomer types it), in a clean environment. */
function printConfig(env: Record<string, string>): Promise<BotRun> {
  const child = spawn('npm', ['start', '--silent', '--', '--print-config'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end();
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
}

const SECRETS = {
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefSECRET',
  SLACK_SIGNING_SECRET: 'signing-secret-value-42',
  OATIE_API_TOKEN: 'api-token-value-77',
  STATUSPAGE_API_KEY: 'statuspage-key-value-99',
  DATABASE_URL: 'postgres://oatie:store-password-1@db.example:5432/oatie_ops',
  OATIE_REDIS_URL: 'redis://:redis-password-2@redis.example:6379',
};

describe('npm start -- --print-config', () => {
  it('prints every setting with its effective value, secrets masked, and exits 0 without starting', async () => {
    const run = await printConfig({ ...SECRETS, OATIE_TIMEZONE: 'Europe/Paris', OATIE_CHAT: 'slack' });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toContain('OATIE_TIMEZONE=Europe/Paris');
    expect(lines).toContain('PORT=3000');
    expect(lines).toContain('ORACLE_BI_URL=(not set)');
    expect(lines).toContain('SLACK_BOT_TOKEN=[redacted]');
    expect(lines).toContain('SLACK_SIGNING_SECRET=[redacted]');
    expect(lines).toContain('DATABASE_URL=postgres://oatie:***@db.example:5432/oatie_ops');
    expect(lines).toContain('OATIE_REDIS_URL=redis://:***@redis.example:6379');
    expect(lines).toContain('# chat adapter: slack');
    for (const secret of ['abcdefSECRET', 'signing-secret-value', 'api-token-value', 'statuspage-key-value'])
      expect(run.stdout).not.toContain(secret);
    for (const password of ['store-password-1', 'redis-password-2'])
      expect(run.stdout).not.toContain(password);
    // It never opened the store or served anything.
    expect(run.stdout).not.toContain('"msg":"ready"');
  }, 240_000);

  it('still exits 2 with one line per problem when the configuration is wrong', async () => {
    const run = await printConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SLACK_BOT_TOKEN: 'nope' });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines).toEqual([
      'oatie-ops: invalid configuration of PORT — expected a whole number',
      'oatie-ops: invalid configuration of DATABASE_URL — expected a URL starting with postgres:// or postgresql://',
      'oatie-ops: invalid configuration of SLACK_BOT_TOKEN — expected a bot token starting with xoxb-',
      expect.stringMatching(/^oatie-ops: invalid configuration of SLACK_SIGNING_SECRET — required for Slack/),
    ]);
  }, 240_000);
});
