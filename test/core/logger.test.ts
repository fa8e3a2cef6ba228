// Logs never carry a secret: by field name, and inside free text from libraries and errors.
import { Writable } from 'node:stream';
import { createLogger } from '../../src/core/logger.js';

// Built from parts so that no file of the repository holds something shaped like a real Slack token.
const slackToken = ['xoxb', '123456789012', 'abcdefABCDEF'].join('-');
const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXRoYXQtbXVzdC1uZXZlci1sZWFr';

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { log: createLogger('debug', sink), lines };
}

describe('the logger', () => {
  it('redacts secret fields and secrets inside messages and string fields', () => {
    const { log, lines } = capture();
    log.debug(`Slash command body: {"text":"auth token Bearer ${jwt}"}`);
    log.info({ token: 'abc', url: 'postgres://u:hunter2@db/x', note: `header Bearer ${jwt}` }, 'calling');
    log.child({ part: 'bolt' }).warn(`token ${slackToken} was refused`);
    const out = lines.join('');
    expect(out).not.toContain('c2lnbmF0dXJl');
    expect(out).not.toContain('hunter2');
    expect(out).not.toContain(slackToken.slice(0, 12));
    expect(out).toContain('Bearer [jwt]');
    expect(out).toContain('"token":"[redacted]"');
    expect(out).toContain('postgres://u:***@db/x');
  });

  it('leaves ordinary text alone', () => {
    const { log, lines } = capture();
    log.info('db long-running --older-than 5m on 127.0.0.1:5432/oatie');
    expect(lines.join('')).toContain('"msg":"db long-running --older-than 5m on 127.0.0.1:5432/oatie"');
  });
});

describe('the logger, deeper', () => {
  it('masks secrets in nested fields and inside errors', () => {
    const { log, lines } = capture();
    log.error(
      {
        err: new Error("ALTER ROLE app PASSWORD'hunter2' failed"),
        request: { options: { url: 'x?password=hunter2' } },
      },
      'failed',
    );
    log.warn(new Error('postgres://u:hunter2@db/x refused'));
    const out = lines.join('');
    expect(out).not.toContain('hunter2');
    expect(out).toContain('PASSWORD [redacted]');
    expect(out).toContain('password=[redacted]');
  });
});
