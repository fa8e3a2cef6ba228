// Configuration: every setting validated in one place, with one message naming every wrong variable.
import { readConfig } from '../../src/config/env.js';

describe('configuration from the environment', () => {
  it('starts with defaults when nothing is set', () => {
    const result = readConfig({});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.PORT).toBe(3000);
    expect(result.config.OATIE_DATA_DIR).toBe('./data');
    expect(result.config.OATIE_TIMEZONE).toBe('UTC');
    expect(result.config.OATIE_NAMESPACE).toBe('oatie');
    expect(result.config.DATABASE_URL).toBeUndefined();
  });

  it('treats empty variables as unset, as .env files often leave them', () => {
    const result = readConfig({ DATABASE_URL: '', SLACK_BOT_TOKEN: '', PORT: '' });
    expect(result.ok && result.config.DATABASE_URL === undefined && result.config.PORT === 3000).toBe(true);
  });

  it('names every wrong variable and what it expects, in one message', () => {
    const result = readConfig({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      OATIE_TIMEZONE: 'Mars/Olympus',
      SLACK_BOT_TOKEN: 'not-a-token',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('PORT: expected a whole number');
    expect(result.message).toContain(
      'DATABASE_URL: expected a URL starting with postgres:// or postgresql://',
    );
    expect(result.message).toContain('OATIE_TIMEZONE: expected an IANA time zone');
    expect(result.message).toContain('SLACK_BOT_TOKEN: expected a bot token starting with xoxb-');
    expect(result.message).not.toContain('not-a-token');
  });
});

describe('a half-configured Slack', () => {
  it('is named in the same message as every other wrong variable', () => {
    const result = readConfig({ PORT: 'eighty', SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toContain('PORT: expected a whole number');
    expect(result.message).toContain('SLACK_SIGNING_SECRET: required for Slack over HTTP');
  });
});
