// `auth token`: an on-call engineer pastes a token from a failing request and reads what is wrong
// with it — privately, and without the token ever being repeated.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  closeDiagnostics,
  startDiagnostics,
  type DiagnosticsHarness,
} from '../support/diagnostics-harness.js';

const NOW = new Date('2026-11-28T14:30:00Z');
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const SIGNATURE = Buffer.from('a-signature-of-thirty-two-bytes!').toString('base64url');

function jwt(
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: 'k1' },
) {
  return `${b64(header)}.${b64(claims)}.${SIGNATURE}`;
}

const base = {
  iss: 'https://auth.oatie.ai',
  sub: 'user-42',
  aud: 'oatie-api',
  email: 'maria.garcia@northwind.example',
};

let bot: DiagnosticsHarness;

beforeAll(async () => {
  bot = await startDiagnostics({ JWT_CLOCK_TOLERANCE: '300' }, { now: () => NOW });
});

afterAll(() => closeDiagnostics(bot));

describe('auth token', () => {
  test('an expired token: expired how long ago, in words, answered to the caller only', async () => {
    const token = jwt({ ...base, iat: seconds(NOW) - 4 * 3600, exp: seconds(NOW) - 3 * 3600 });
    const answer = await bot.run(`auth token Bearer ${token}`);
    expect(answer.to).toEqual(['caller']);
    expect(answer.text).toContain('This token will be rejected');
    expect(answer.text).toContain('It expired 3 hours ago (2026-11-28 11:30 UTC)');
    expect(answer.text).toContain('header alg: RS256');
    expect(answer.text).toContain('sub: user-42');
    expect(answer.text).toContain('email: maria.garcia@northwind.example');
    expect(answer.text).not.toContain('without the `Bearer ` prefix');
    expect(answer.text).not.toContain(token);
    expect(answer.text).not.toContain(SIGNATURE);
  });

  test('expired 65 s ago with a 300 s tolerance: still accepted, for how long, not "rejected"', async () => {
    const token = jwt({ ...base, iat: seconds(NOW) - 3600, exp: seconds(NOW) - 65 });
    const answer = await bot.run(`auth token Bearer ${token}`);
    expect(answer.text).toContain(
      '⚠️ This token has expired but is still accepted for another 235 s (clock tolerance).',
    );
    expect(answer.text).toContain(
      'It expired 65 s ago (2026-11-28 14:28 UTC); still accepted for another 235 s (JWT_CLOCK_TOLERANCE 300 s)',
    );
    expect(answer.text).not.toContain('will be rejected');

    const beyond = jwt({ ...base, iat: seconds(NOW) - 3600, exp: seconds(NOW) - 301 });
    const rejected = await bot.run(`auth token Bearer ${beyond}`);
    expect(rejected.text).toContain('🔴 This token will be rejected.');
    expect(rejected.text).toContain('beyond JWT_CLOCK_TOLERANCE (5 minutes)');
  });

  test('a valid token says when it expires and that the signature is not checked', async () => {
    const answer = await bot.run(
      `auth token Bearer ${jwt({ ...base, iat: seconds(NOW) - 60, exp: seconds(NOW) + 12 * 60 })}`,
    );
    expect(answer.text).toContain(
      '✅ This token is well-formed and within its validity period (signature not checked)',
    );
    expect(answer.text).toContain('It expires in 12 minutes');
    expect(answer.text).toContain('signature: 32 bytes, present (not verified here');
  });

  test('issued in the future beyond JWT_CLOCK_TOLERANCE: clock skew', async () => {
    const answer = await bot.run(
      `auth token Bearer ${jwt({ ...base, iat: seconds(NOW) + 600, exp: seconds(NOW) + 3600 })}`,
    );
    expect(answer.text).toContain(
      'It was issued 10 minutes in the future, beyond JWT_CLOCK_TOLERANCE (5 minutes)',
    );
    expect(answer.text).toContain('ntpdate -q pool.ntp.org');
  });

  test('issued a little in the future, within the tolerance: only a note', async () => {
    const answer = await bot.run(
      `auth token Bearer ${jwt({ ...base, iat: seconds(NOW) + 30, exp: seconds(NOW) + 3600 })}`,
    );
    expect(answer.text).toContain('issued 30 seconds in the future, within the clock tolerance');
    expect(answer.text).toContain('✅ This token is well-formed');
  });

  test('pasted without "Bearer ": says the header needs it', async () => {
    const answer = await bot.run(`auth token ${jwt({ ...base, exp: seconds(NOW) + 3600 })}`);
    expect(answer.text).toContain('It was pasted without the `Bearer ` prefix');
  });

  test('a token cut before its signature is called truncated', async () => {
    const token = jwt({ ...base, exp: seconds(NOW) + 3600 });
    const answer = await bot.run(`auth token Bearer ${token.split('.').slice(0, 2).join('.')}`);
    expect(answer.text).toContain('This token is malformed');
    expect(answer.text).toContain('2 parts instead of 3: the signature is missing');
  });

  test('a token cut inside its claims: not JSON', async () => {
    const token = jwt({ ...base, exp: seconds(NOW) + 3600 });
    const [header, claims] = token.split('.');
    const answer = await bot.run(`auth token ${header}.${claims!.slice(0, 40)}.${SIGNATURE}`);
    expect(answer.text).toMatch(/claims part (does not decode to JSON|is cut short)/);
  });

  test('standard base64 instead of base64url, and plain text that is no JWT', async () => {
    const answer = await bot.run('auth token abc+def/ghi=.eyJ4IjoxfQ.c2ln');
    expect(answer.text).toContain('not base64url (it uses standard base64 characters');
    const words = await bot.run('auth token hello there');
    expect(words.text).toContain('contains spaces or line breaks');
  });

  test('no expiry and alg none are called out', async () => {
    const token = `${b64({ alg: 'none' })}.${b64(base)}.`;
    const answer = await bot.run(`auth token ${token}`);
    expect(answer.text).toContain('Its algorithm is "none": it is not signed');
    expect(answer.text).toContain('It never expires (no exp claim)');
    expect(answer.text).toContain('no signature');
  });

  test('an encrypted token (JWE) cannot be read', async () => {
    const answer = await bot.run('auth token eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d');
    expect(answer.text).toContain('encrypted token (JWE, 5 parts)');
  });

  test('the audit log records the command without the token', async () => {
    const token = jwt({ ...base, exp: seconds(NOW) + 3600 });
    await bot.run(`auth token ${token}`);
    const records = await bot.app.services.audit.since(new Date(0), 100);
    const mine = records.filter((r) => r.command === 'auth token');
    expect(mine.length).toBeGreaterThan(0);
    expect(JSON.stringify(mine)).not.toContain(token.split('.')[1]);
  });
});
