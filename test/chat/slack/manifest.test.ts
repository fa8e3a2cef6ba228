// The Slack app manifest matches what the adapter serves and calls: one path, the scopes it uses.
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { SLACK_EVENTS_PATH } from '../../../src/chat/slack/start-slack.js';

interface Manifest {
  features: { slash_commands: Array<{ command: string; url: string; should_escape: boolean }> };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    interactivity: { is_enabled: boolean; request_url: string };
    socket_mode_enabled: boolean;
    event_subscriptions?: unknown;
  };
}

describe('the Slack app manifest', () => {
  it('sends /oatie and interactions to /slack/events, with exactly the scopes the bot uses', async () => {
    const manifest = parse(
      await readFile(new URL('../../../manifests/slack/manifest.yaml', import.meta.url), 'utf8'),
    ) as Manifest;
    const [command] = manifest.features.slash_commands;
    expect(command?.command).toBe('/oatie');
    expect(new URL(command?.url ?? '').pathname).toBe(SLACK_EVENTS_PATH);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe(SLACK_EVENTS_PATH);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(manifest.settings.event_subscriptions).toBeUndefined();
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:manage',
        'channels:read',
        'chat:write',
        'chat:write.public',
        'commands',
        'files:write',
        'im:write',
        'users:read',
      ].sort(),
    );
  });
});
