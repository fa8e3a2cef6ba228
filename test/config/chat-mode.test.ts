// Which chat adapter runs: Slack when its credentials are set, the console otherwise, and a clear
// message when Slack is half configured.
import { chatAdapters, chatMode, readConfig } from '../../src/config/env.js';

const mode = (env: Record<string, string>) => {
  const result = readConfig(env);
  return result.ok ? chatMode(result.config) : result.message;
};

describe('choosing the chat adapter', () => {
  it('runs the console when no Slack variable is set', () => {
    expect(mode({})).toBe('console');
  });

  it('runs Slack over HTTP with a bot token and a signing secret, or over Socket Mode with an app token', () => {
    expect(mode({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toBe('slack');
    expect(mode({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })).toBe('slack');
  });

  it('keeps the console when asked, even with Slack credentials', () => {
    expect(mode({ OATIE_CHAT: 'console', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' })).toBe(
      'console',
    );
  });

  it('names the missing variable when Slack is half configured or asked for without credentials', () => {
    expect(mode({ SLACK_BOT_TOKEN: 'xoxb-1' })).toContain(
      'SLACK_SIGNING_SECRET: required for Slack over HTTP',
    );
    expect(mode({ SLACK_SIGNING_SECRET: 's' })).toContain('SLACK_BOT_TOKEN: required for Slack');
    expect(mode({ OATIE_CHAT: 'slack' })).toContain('SLACK_BOT_TOKEN: required for Slack (OATIE_CHAT=slack)');
  });
});

describe('choosing the Teams adapter', () => {
  const adapters = (env: Record<string, string>) => {
    const result = readConfig(env);
    return result.ok ? chatAdapters(result.config) : result.message;
  };

  it('runs Teams with an app id and password, or unauthenticated only when asked', () => {
    expect(adapters({ MICROSOFT_APP_ID: 'id', MICROSOFT_APP_PASSWORD: 'pw' })).toEqual(['teams']);
    expect(adapters({ TEAMS_ALLOW_UNAUTHENTICATED: 'true' })).toEqual(['teams']);
    expect(adapters({})).toEqual([]);
  });

  it('runs Slack and Teams side by side when both are configured', () => {
    expect(
      adapters({
        SLACK_BOT_TOKEN: 'xoxb-1',
        SLACK_SIGNING_SECRET: 's',
        MICROSOFT_APP_ID: 'id',
        MICROSOFT_APP_PASSWORD: 'pw',
      }),
    ).toEqual(['slack', 'teams']);
  });

  it('names what is missing when Teams or Graph is half configured', () => {
    expect(adapters({ MICROSOFT_APP_ID: 'id' })).toContain(
      'MICROSOFT_APP_PASSWORD: required with MICROSOFT_APP_ID',
    );
    expect(adapters({ OATIE_CHAT: 'teams' })).toContain('MICROSOFT_APP_ID: required for Teams');
    expect(adapters({ TEAMS_ALLOW_UNAUTHENTICATED: 'true', GRAPH_CLIENT_ID: 'c' })).toContain(
      'GRAPH_TENANT_ID, GRAPH_CLIENT_SECRET, OATIE_TEAMS_TEAM_ID: required with GRAPH_CLIENT_ID',
    );
  });
});
