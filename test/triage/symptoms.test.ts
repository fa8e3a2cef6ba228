// Each symptom's mapping to the troubleshooting guide: its section, and the guide's diagnosis steps
// as the bot's commands (the card's rows and its "Full answers"). Also what picks a symptom from an
// incident's title.
import { describe, expect, test } from '@jest/globals';
import { symptomIds, triagePolicySchema } from '../../src/config/triage-policy.js';
import { matchSymptom } from '../../src/triage/match-symptom.js';
import { symptoms } from '../../src/triage/symptoms.js';
import { withDiagnostics, closeDiagnostics } from '../support/diagnostics-harness.js';
import { consoleText } from '../support/recording-platform.js';

afterAll(() => closeDiagnostics());

/** The guide, section by section: what each symptom's card checks, and with which command. */
const GUIDE: Record<string, { section: string; rows: string[]; commands: string[] }> = {
  jwt: {
    section: '1. Authentication and Authorization Issues › "Invalid JWT Token" Error',
    rows: ['Oatie API health', 'auth-service errors (last hour)', 'auth-service pods'],
    commands: ['health', 'logs errors --since 1h --app auth-service', 'k8s pods --app auth-service'],
  },
  permissions: {
    section: '1. Authentication and Authorization Issues › "Insufficient Permissions" Error',
    rows: ['Permission cache (Redis)', 'auth-service pods', 'auth-service errors (last hour)'],
    commands: ['health', 'k8s pods --app auth-service', 'logs errors --since 1h --app auth-service'],
  },
  'reports-failing': {
    section: '2. Report Generation Issues › Reports Failing to Generate',
    rows: [
      'Reports stuck in processing',
      'Oracle BI (as the Oatie API sees it)',
      'Oracle BI Publisher reachable',
      'report-service errors (last hour)',
      'report-service pods',
      'Connections vs max_connections',
    ],
    commands: [
      'reports stuck',
      'health oracle-bi',
      'logs errors --since 1h --app report-service',
      'k8s pods --app report-service',
      'db connections --idle-for 10m',
    ],
  },
  'reports-slow': {
    section: '2. Report Generation Issues › Report Performance Issues',
    rows: [
      'Slow queries (pg_stat_statements)',
      'Index usage',
      'Table bloat and vacuum',
      'Pod memory vs limits',
    ],
    commands: ['db slow-queries --min-ms 1000', 'db indexes', 'db bloat', 'k8s top pods'],
  },
  'db-pool': {
    section: '3. Database Issues › Connection Pool Exhaustion',
    rows: ['Connections vs max_connections', 'Long-running queries', 'Blocking queries'],
    commands: ['db connections --idle-for 10m', 'db long-running --older-than 5m', 'db blocking'],
  },
  'db-slow': {
    section: '3. Database Issues › Database Performance Degradation',
    rows: ['Slow queries (pg_stat_statements)', 'Index usage', 'Table bloat and vacuum', 'Blocking queries'],
    commands: ['db slow-queries --min-ms 1000', 'db indexes', 'db bloat', 'db blocking'],
  },
  memory: {
    section: '4. Infrastructure Issues › High Memory Usage',
    rows: ['Node memory', 'Pod memory vs limits', 'Pod restarts and OOMKills', 'Oatie API health'],
    commands: ['k8s top nodes', 'k8s top pods', 'k8s pods', 'health'],
  },
  network: {
    section: '4. Infrastructure Issues › Network Connectivity Problems',
    rows: [
      'DNS and service endpoints',
      'Network policies',
      'Database reachable',
      'Permission cache (Redis)',
      'Kubernetes API reachable',
    ],
    commands: ['k8s dns', 'k8s netpol', 'health'],
  },
};

describe('symptoms and the guide', () => {
  test('there is one symptom per problem of the guide', () => {
    expect(symptoms.map((s) => s.id)).toEqual([...symptomIds]);
    expect(Object.keys(GUIDE)).toEqual([...symptomIds]);
  });

  test.each(Object.entries(GUIDE))('triage %s runs the checks of its guide section', (id, guide) =>
    withDiagnostics({}, async (bot) => {
      await bot.run(`triage ${id}`);
      const cards = bot.cards();
      const last = cards[cards.length - 1];
      const text = last ? consoleText(last.message) : '';
      expect(text).toContain(`Guide: ${guide.section}.`);
      const rows = text
        .split('\n')
        .flatMap(
          (line) =>
            /^(?:⚙️ not configured|✅ ok|⚠️ warning|🔴 failing|⏱️ timed out) — ([^:]+):/.exec(line)?.[1] ??
            [],
        );
      expect(rows).toEqual(guide.rows);
      expect(text).toContain(`Full answers: ${guide.commands.map((c) => `\`${c}\``).join(', ')}.`);
    }),
  );

  test('aliases name the same symptom', () =>
    withDiagnostics({}, async (bot) => {
      await bot.run('triage OOM');
      expect(bot.chat.postsIn('ops')[0]).toContain('Triage: High Memory Usage');
    }));
});

describe('matching an incident to a symptom', () => {
  const defaults = triagePolicySchema.parse(undefined);

  test.each([
    ['Report generation down', undefined, 'reports-failing'],
    ['Too many connections on the primary', undefined, 'db-pool'],
    ['Users get 403 Forbidden on dashboards', undefined, 'permissions'],
    ['Login broken: Token expired for everyone', undefined, 'jwt'],
    ['report-service pods OOMKilled', undefined, 'memory'],
    ['Dashboards very slow', 'database', undefined],
    ['Something is off', 'dns', 'network'],
    ['Nothing to see here', undefined, undefined],
  ])('"%s" (service %s) → %s', (title, service, expected) => {
    expect(matchSymptom(defaults, { title, service })).toBe(expected);
  });

  test('the policy’s keywords replace the guide’s for a symptom', () => {
    const policy = triagePolicySchema.parse({ keywords: { 'db-slow': ['Dashboards'] } });
    expect(matchSymptom(policy, { title: 'Dashboards very slow' })).toBe('db-slow');
    expect(matchSymptom(policy, { title: 'Database performance down' })).toBeUndefined();
  });
});
