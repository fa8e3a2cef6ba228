// There is no Docker engine here: the Dockerfile is checked for the rules a linter (hadolint) would
// apply — a pinned base, a non-root user, no secret in any layer, a HEALTHCHECK on /livez.
import { describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { ROOT } from '../support/run-bot.js';

interface Instruction {
  name: string;
  args: string;
}

/** The instructions, continuation lines joined, comments dropped. */
async function instructions(): Promise<Instruction[]> {
  const text = await readFile(`${ROOT}/Dockerfile`, 'utf8');
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [name = '', ...rest] = l.split(/\s+/);
      return { name: name.toUpperCase(), args: rest.join(' ') };
    });
}

const SECRET_WORD = /TOKEN|SECRET|PASSWORD|PASSWD|API_KEY|PRIVATE|CREDENTIAL/i;

describe('the Dockerfile', () => {
  it('builds on base images pinned to an exact release or digest', async () => {
    const bases = (await instructions())
      .filter((i) => i.name === 'FROM')
      .map((i) => i.args.split(' ')[0] ?? '');
    expect(bases.length).toBeGreaterThan(0);
    for (const base of bases) expect(base).toMatch(/@sha256:[0-9a-f]{64}$|:\d+\.\d+\.\d+[\w.-]*$/);
  });

  it('runs as a non-root user', async () => {
    const all = await instructions();
    const lastStage = all.slice(all.map((i) => i.name).lastIndexOf('FROM'));
    const users = lastStage.filter((i) => i.name === 'USER').map((i) => i.args);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it('sets, passes or copies no secret into a layer', async () => {
    const all = await instructions();
    for (const i of all.filter((x) => ['ENV', 'ARG', 'LABEL'].includes(x.name)))
      expect({ [i.name]: i.args, secret: SECRET_WORD.test(i.args) }).toEqual({
        [i.name]: i.args,
        secret: false,
      });
    for (const i of all.filter((x) => ['COPY', 'ADD'].includes(x.name))) {
      expect(i.args).not.toMatch(/(^|\s)\.(\s|$)|\.env\b|\.pem\b|\.key\b|\bsecret/i);
      expect(i.name === 'ADD' && /https?:\/\//.test(i.args)).toBe(false);
    }
    const ignored = (await readFile(`${ROOT}/.dockerignore`, 'utf8')).split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['.env', 'data', 'node_modules', 'dist']));
  });

  it('checks its health on /livez, which does not depend on the platform being up', async () => {
    const checks = (await instructions()).filter((i) => i.name === 'HEALTHCHECK');
    expect(checks).toHaveLength(1);
    expect(checks[0]?.args).toMatch(/\/livez/);
    expect(checks[0]?.args).toMatch(/--timeout=\d+s/);
  });

  it('builds where the bot can start (its code caches are written then) and runs it as npm start does', async () => {
    // scripts/build.mjs starts the built bot to write the code caches of `npm start`'s Node flags; the
    // image has them only if its CMD runs node with those flags, and if the build stage can start it.
    const all = await instructions();
    const build = all.findIndex((i) => i.name === 'RUN' && i.args.includes('npm run build'));
    const copiedBefore = all
      .slice(0, build)
      .filter((i) => i.name === 'COPY')
      .map((i) => i.args);
    expect(copiedBefore).toEqual(
      expect.arrayContaining([
        'templates ./templates',
        'manifests/kubernetes/policy.yaml ./manifests/kubernetes/policy.yaml',
      ]),
    );
    const pkg = JSON.parse(await readFile(`${ROOT}/package.json`, 'utf8')) as { scripts: { start: string } };
    const startFlags = /\bnode ((?:--\S+ )*)/.exec(pkg.scripts.start)?.[1]?.trim().split(' ') ?? [];
    const cmd = JSON.parse(all.filter((i) => i.name === 'CMD').at(-1)?.args ?? '[]') as string[];
    expect(cmd).toEqual(['node', ...startFlags, 'dist/main.js']);
  });

  it('copies the default policy and templates the compiled bot reads', async () => {
    const copies = (await instructions()).filter((i) => i.name === 'COPY').map((i) => i.args);
    expect(copies).toEqual(
      expect.arrayContaining([
        'manifests/kubernetes/policy.yaml ./manifests/kubernetes/policy.yaml',
        'templates ./templates',
      ]),
    );
  });
});
