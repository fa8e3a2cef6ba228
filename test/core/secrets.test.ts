// One masker for every text that may carry a credential (log lines, query text, the bot's own logs):
// what it hides, and what it leaves alone.
import { maskSecrets } from '../../src/core/secrets.js';

// Built from parts so that no file of the repository holds something shaped like a real Slack token.
const slackToken = ['xoxb', '123456789012', 'abcdefABCDEF'].join('-');
const appToken = ['xapp', '1', 'A0123456789', 'abcdef0123'].join('-');
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1sZWFr';

describe('maskSecrets', () => {
  it('hides JWTs, Bearer and Basic credentials', () => {
    expect(maskSecrets(`Authorization: Bearer ${jwt}`)).toBe('Authorization: Bearer [jwt]');
    expect(maskSecrets('/* Authorization: Bearer abcdefghijklmnop */ SELECT 1')).toBe(
      '/* Authorization: Bearer [redacted] */ SELECT 1',
    );
    expect(maskSecrets('Basic dXNlcjpodW50ZXIy')).toBe('Basic [redacted]');
  });

  it('hides a token cut short at the end of a shortened text', () => {
    expect(maskSecrets('header Authorization: Bearer abc')).toBe('header Authorization: Bearer [redacted]');
  });

  it('hides Slack tokens', () => {
    expect(maskSecrets(`token ${slackToken} was refused`)).toBe('token [slack token] was refused');
    expect(maskSecrets(`app ${appToken}`)).toBe('app [slack token]');
  });

  it('hides passwords in URLs and in key=value pairs', () => {
    expect(maskSecrets('postgres://app:hunter2@db:5432/oatie')).toBe('postgres://app:***@db:5432/oatie');
    expect(maskSecrets('password=hunter2 user=app')).toBe('password=[redacted] user=app');
    expect(maskSecrets('{"client_secret": "s3cr3t", "n": 1}')).toBe(
      '{"client_secret": "[redacted]", "n": 1}',
    );
    expect(maskSecrets("WHERE api_key = 'k-123456'")).toBe("WHERE api_key = '[redacted]'");
  });

  it('hides Postgres password literals, quoted in any way, to the end of the text', () => {
    expect(maskSecrets("ALTER ROLE app PASSWORD 'hunter2-s3cret'")).toBe(
      'ALTER ROLE app PASSWORD [redacted]',
    );
    expect(maskSecrets("CREATE ROLE app LOGIN ENCRYPTED PASSWORD 'md5abc' VALID UNTIL 'infinity'")).toBe(
      'CREATE ROLE app LOGIN ENCRYPTED PASSWORD [redacted]',
    );
    expect(maskSecrets("alter user app with password E'it''s\\'secret'")).toBe(
      'alter user app with password [redacted]',
    );
    expect(maskSecrets('ALTER ROLE app PASSWORD $pw$hunter2$pw$')).toBe('ALTER ROLE app PASSWORD [redacted]');
    // Inside a string literal (EXECUTE 'ALTER ROLE … PASSWORD ''x''') and cut off by truncation.
    expect(maskSecrets("EXECUTE 'ALTER ROLE app PASSWORD ''hunter2'''")).toBe(
      "EXECUTE 'ALTER ROLE app PASSWORD [redacted]",
    );
    expect(maskSecrets("ALTER ROLE app PASSWORD 'hunt")).toBe('ALTER ROLE app PASSWORD [redacted]');
    expect(maskSecrets('ALTER ROLE app PASSWORD NULL')).toBe('ALTER ROLE app PASSWORD NULL');
  });

  it('leaves ordinary text alone', () => {
    for (const text of [
      'db long-running --older-than 5m on 127.0.0.1:5432/oatie',
      'SELECT pg_sleep(60) /* monthly sales rollup */',
      'FATAL: password authentication failed for user "app"',
      'UPDATE users SET password_hash = $1 WHERE id = $2',
      '2026-11-28T11:00:02Z ERROR Oracle BI Publisher connection refused (PublicReportService)',
      'listening on http://0.0.0.0:3000',
    ])
      expect(maskSecrets(text)).toBe(text);
  });
});
