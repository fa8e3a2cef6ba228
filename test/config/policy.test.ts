// The policy file: the shipped default matches the guide; mistakes are reported with file and line.
import { isListed, parsePolicy, resolvePerson } from '../../src/config/policy.js';
import { defaultPolicy } from '../support/test-app.js';

describe('the severity and fix policy', () => {
  it('ships a default that matches the guide', async () => {
    const policy = await defaultPolicy();
    expect(policy.severities.p0.responseTime).toBe(15 * 60_000);
    expect(policy.severities.p1.responseTime).toBe(60 * 60_000);
    expect(policy.severities.p2.responseTime).toBe(4 * 60 * 60_000);
    expect(policy.severities.p3.responseTime).toBe('next-business-day');
    expect(policy.severities.p1.updateInterval).toBe(30 * 60_000);
    expect(policy.severities.p2.updateInterval).toBeNull();
    expect(policy.severities.p0.statusPageDeadline).toBe(30 * 60_000);
    expect(policy.escalation).toEqual(['on-call', 'team-lead', 'engineering-manager']);
    expect(policy.people.alice?.phone).toBe('+1-555-0123');
  });

  it('knows who people are on each platform and which lists they are on', async () => {
    const policy = await defaultPolicy();
    expect(resolvePerson(policy, 'console', 'bob')?.name).toBe('Engineering Lead');
    expect(resolvePerson(policy, 'slack', 'U0LEAD0001')?.key).toBe('bob');
    expect(resolvePerson(policy, 'slack', 'bob')).toBeUndefined();
    expect(isListed(policy, ['group:leads'], 'bob')).toBe(true);
    expect(isListed(policy, ['group:leads'], 'alice')).toBe(false);
    expect(isListed(policy, ['*'], undefined)).toBe(false);
  });

  it('reports a bad value with the file, the line and the reason', () => {
    const text = ['people:', '  alice: { name: A }', 'severities:', '  p0:', '    responseTime: soon'].join(
      '\n',
    );
    const result = parsePolicy(text, 'policy.yaml');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(/^policy\.yaml:\d+: /);
  });

  it('points at the line of the wrong duration', async () => {
    const { readFile } = await import('node:fs/promises');
    const { DEFAULT_POLICY_FILE } = await import('../support/test-app.js');
    const text = (await readFile(DEFAULT_POLICY_FILE, 'utf8')).replace(
      'responseTime: 1h',
      'responseTime: one hour',
    );
    const line = text.split('\n').findIndex((l) => l.includes('one hour')) + 1;
    const result = parsePolicy(text, 'p.yaml');
    expect(result).toEqual({
      ok: false,
      message: `p.yaml:${line}: severities.p1.responseTime: "one hour" is not a duration like 20s, 5m, 1h or 2d, nor next-business-day`,
    });
  });

  it('reports YAML syntax errors and unknown people', async () => {
    const broken = parsePolicy('people: [unclosed', 'x.yaml');
    expect(broken.ok || broken.message).toMatch(/^x\.yaml:1: /);
    const { readFile } = await import('node:fs/promises');
    const { DEFAULT_POLICY_FILE } = await import('../support/test-app.js');
    const text = (await readFile(DEFAULT_POLICY_FILE, 'utf8')).replace(
      'leads: [bob, carol]',
      'leads: [bob, mallory]',
    );
    const result = parsePolicy(text, 'p.yaml');
    expect(result.ok || result.message).toBe('p.yaml: groups.leads: unknown person "mallory"');
  });

  it('refuses a risk level given to a command that is not a fix of the catalog', async () => {
    const { readFile } = await import('node:fs/promises');
    const { DEFAULT_POLICY_FILE } = await import('../support/test-app.js');
    const shipped = await readFile(DEFAULT_POLICY_FILE, 'utf8');
    const typo = parsePolicy(shipped.replace('db terminate: low', 'db terminat: low'), 'p.yaml');
    expect(typo.ok || typo.message).toBe('p.yaml: fixes.risk: unknown fix "db terminat"');
    // A diagnostic is a command of the catalog, but not a fix: it never needs approval.
    const diagnostic = parsePolicy(shipped.replace('db terminate: low', 'db long-running: low'), 'p.yaml');
    expect(diagnostic.ok || diagnostic.message).toBe('p.yaml: fixes.risk: unknown fix "db long-running"');
  });
});

describe('the incidents section (issue 17)', () => {
  it('an older policy without the section, nor a leads group, still loads; nobody may then publish', async () => {
    const { readFile } = await import('node:fs/promises');
    const { DEFAULT_POLICY_FILE } = await import('../support/test-app.js');
    const shipped = await readFile(DEFAULT_POLICY_FILE, 'utf8');
    const older = shipped
      .replace(/\nincidents:\n(?: {2}.*\n)+/, '\n')
      .replace(/ {2}leads: .*\n/, '')
      .replace('high: ["group:leads"]', 'high: ["bob"]');
    expect(older).not.toContain('publishStatusPage');
    const result = parsePolicy(older, 'older.yaml');
    if (!result.ok) throw new Error(result.message);
    expect(result.policy.incidents).toEqual({ publishStatusPage: ['group:leads'], raiseToP0: ['group:sre'] });
    // The default names a group this file lacks: it names nobody (refuses rather than allows).
    expect(isListed(result.policy, result.policy.incidents.publishStatusPage, 'bob')).toBe(false);
    expect(isListed(result.policy, result.policy.incidents.raiseToP0, 'alice')).toBe(true);
  });
});
