// The grammar: what people type becomes a typed command or a helpful answer.
import { parseCommand } from '../../src/commands/parse.js';

function ok(text: string) {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error.message}`);
  return result.command;
}

function error(text: string) {
  const result = parseCommand(text);
  if (result.ok) throw new Error(`expected ${text} to fail, got ${result.command.name}`);
  return result.error;
}

describe('the /oatie grammar', () => {
  it('reads an incident declaration, with or without the leading /oatie', () => {
    expect(ok('/oatie incident p1 Report generation down')).toEqual({
      name: 'incident declare',
      args: { severity: 'p1', title: 'Report generation down' },
    });
    expect(ok('incident P0 "DB down"')).toEqual({
      name: 'incident declare',
      args: { severity: 'p0', title: 'DB down' },
    });
  });

  it('reads every subcommand group of the catalog', () => {
    expect(ok('incident ack').name).toBe('incident ack');
    expect(ok('incident update identified pool exhausted --public')).toEqual({
      name: 'incident update',
      args: { status: 'identified', text: 'pool exhausted', public: true },
    });
    expect(ok('incident severity p2').args).toEqual({ severity: 'p2' });
    expect(ok('incident resolve connection pool exhaustion').args).toEqual({
      rootCause: 'connection pool exhaustion',
    });
    expect(ok('auth user Ann@Example.com reports:create').args).toEqual({
      email: 'ann@example.com',
      permission: 'reports:create',
    });
    expect(ok('auth clear-cache 0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a10').args).toEqual({
      user: { kind: 'uuid', value: '0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a10' },
    });
    expect(ok('db create-index reports organization_id,status').args).toEqual({
      table: 'reports',
      columns: ['organization_id', 'status'],
    });
    expect(ok('k8s top nodes').args).toEqual({ resource: 'nodes' });
    expect(ok('k8s set-memory report-service 2Gi').args).toEqual({
      deployment: 'report-service',
      limit: '2Gi',
    });
    expect(ok('health oracle-bi').name).toBe('health oracle-bi');
    expect(ok('').name).toBe('help');
  });

  it('reads durations as 90s, 5m, 1h and applies defaults', () => {
    expect(ok('db long-running').args).toEqual({ olderThan: 300_000 });
    expect(ok('db long-running --older-than 90s').args).toEqual({ olderThan: 90_000 });
    expect(ok('db terminate-long --older-than=1h').args).toEqual({ olderThan: 3_600_000 });
    expect(ok('audit --since 2d').args).toEqual({ since: 172_800_000 });
    expect(ok('k8s logs report-service --since 30m --grep "pool timeout"').args).toEqual({
      deployment: 'report-service',
      since: 1_800_000,
      grep: 'pool timeout',
    });
  });

  it('answers unknown words with "did you mean" and the usage', () => {
    const typo = error('db conections');
    expect(typo.suggestion).toBe('db connections [--idle-for 10m]');
    expect(typo.usage).toContain('db long-running [--older-than 5m]');
    expect(error('incidnet p1 x').suggestion).toBe('incident');
    expect(error('incident ackk').suggestion).toBe('incident ack [INC-n]');
    expect(error('frobnicate').message).toContain('Unknown command');
  });

  it('refuses bad arguments with the usage line and never echoes the value', () => {
    const since = error('db long-running --older-than 99y');
    expect(since.message).toContain('--older-than');
    expect(since.usage).toBe('db long-running [--older-than 5m]');
    expect(error('db terminate 12;DROP TABLE users').message).toContain('<pid>');
    expect(error("db vacuum reports';--").usage).toBe('db vacuum <table>');
    expect(error('db vacuum rеports').message).toContain('<table>'); // Cyrillic "е"
    expect(error('reports status 123').message).toContain('UUID');
    expect(error('auth user not-an-email').message).toContain('email');
    expect(error('k8s describe Bad_Name').message).toContain('Kubernetes name');
    expect(error('k8s set-memory report-service 999Ti').message).toContain('memory limit');
    expect(error('db long-running --bogus 1').message).toContain('--older-than');
    expect(error('db terminate').message).toBe('Missing <pid>.');
    const secret = error('auth token');
    expect(secret.message).toBe('Missing <token>.');
  });

  it('refuses control characters, so nobody can forge a mention token', () => {
    expect(error('incident p1 a\u0001user:U1\u0002b').message).toContain('control character (U+0001)');
  });

  it('refuses text longer than a command can be', () => {
    expect(error(`incident p1 ${'x'.repeat(9000)}`).message).toContain('too long');
    expect(error(`incident p1 ${'x'.repeat(5000)}`).message).toContain('at most 150');
  });
});

describe('db explain', () => {
  it('takes a pid or a query id and answers anything else with the usage, never a parser failure', () => {
    expect(ok('db explain 6151').args).toEqual({ id: '6151' });
    expect(ok('db explain -8613374012385211111').args).toEqual({ id: '-8613374012385211111' });
    for (const text of [
      "db explain '; DROP TABLE users; --",
      'db explain abc',
      'db explain 99999999999999999999',
    ])
      expect(error(text)).toMatchObject({ usage: 'db explain <pid|query id>' });
  });
});
