// Socket Mode, the mode for a bot with no public address: the bot (SLACK_APP_TOKEN) asks the fake
// Web API for a connection (apps.connections.open), connects to the WebSocket the test serves, acks
// every envelope — a slash command, a button click, a modal submission — and answers each one; when
// the socket drops, it reconnects by itself and goes on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { openFreshStore, type FreshStore } from '../../support/fresh-store.js';
import { buttonOf, FakeSlack, textOf, whereOf } from '../../support/fake-slack.js';
import { FakeSocketMode } from '../../support/fake-socket-mode.js';
import { startSlackBot, type RunningSlackBot } from '../../support/slack-bot.js';
import {
  buttonClickBody,
  selected,
  slashCommandBody,
  typed,
  viewSubmissionBody,
} from '../../support/slack-signing.js';

/** The payload of an interaction body (`payload=<json>`), as Socket Mode carries it in an envelope. */
const payloadOf = (body: string): Record<string, unknown> =>
  JSON.parse(new URLSearchParams(body).get('payload') ?? '{}') as Record<string, unknown>;

const slash = (fake: FakeSlack, text: string, trigger = '1234.5678.trigger', channel = 'C0OPS') =>
  Object.fromEntries(
    new URLSearchParams(
      slashCommandBody({
        text,
        user_id: 'U0ONCALL01',
        channel_id: channel,
        trigger_id: trigger,
        response_url: fake.responseUrl(),
      }),
    ),
  );

describe('Slack over Socket Mode', () => {
  let fake: FakeSlack;
  let socket: FakeSocketMode;
  let store: FreshStore;
  let bot: RunningSlackBot;

  beforeAll(async () => {
    fake = await FakeSlack.start();
    socket = await FakeSocketMode.start();
    fake.socketModeUrl = socket.url;
    store = await openFreshStore('socketmode');
    bot = await startSlackBot({ fake, db: store.db, env: { SLACK_APP_TOKEN: 'xapp-test-socket-mode' } });
    await socket.until(() => socket.open === 1, 'connection');
  }, 60_000);
  afterAll(async () => {
    await bot.stop();
    await store.close();
    await socket.stop();
    await fake.stop();
  });

  it('connects with the app-level token, through apps.connections.open', () => {
    expect(bot.bot.mode).toBe('socket');
    const open = fake.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((c) => c.authorized)).toBe(true);
    expect(socket.connections).toBe(1);
  });

  it('acks a slash command and answers it', async () => {
    const before = fake.responses.length + fake.callsTo('chat.postEphemeral').length;
    const ack = await socket.send('slash_commands', slash(fake, 'help db'));
    expect(ack.envelope_id).toBeDefined();
    await socket.until(
      () => fake.responses.length + fake.callsTo('chat.postEphemeral').length > before,
      'answer to help',
    );
  });

  it('acks a button click and does what the button says', async () => {
    await socket.send('slash_commands', slash(fake, 'incident p3 Dashboard colours wrong'));
    const alert = await fake.waitFor(
      'chat.postMessage',
      (c) => textOf(c).includes('Dashboard colours wrong') && textOf(c).includes('Acknowledge'),
    );
    const { channel, ts } = whereOf(alert);
    const click = buttonClickBody({
      user: 'U0LEAD0001',
      channel,
      ts,
      actionId: buttonOf(alert, 'Acknowledge').action_id,
      responseUrl: fake.responseUrl(),
      message: { text: alert.params.text, blocks: alert.params.blocks },
    });
    const ack = await socket.send('interactive', payloadOf(click));
    expect(ack.envelope_id).toBeDefined();
    await fake.waitFor('chat.update', (c) => c.params.ts === ts && textOf(c).includes('Acknowledged'));
  });

  it('acks a modal submission and acts on its values', async () => {
    await socket.send('slash_commands', slash(fake, 'incident', '555.444.trigger', 'C0EXPORTS'));
    const opened = await fake.waitFor('views.open', (c) => c.params.trigger_id === '555.444.trigger');
    const view = opened.params.view as { callback_id: string; private_metadata: string };
    const submit = viewSubmissionBody({
      user: 'U0ONCALL01',
      view,
      values: {
        severity: selected('p3'),
        title: typed('Exports slow over the socket'),
        service: typed(null),
        impact: typed(null),
      },
    });
    const ack = await socket.send('interactive', payloadOf(submit));
    // The modal closes: the ack carries no errors.
    expect(ack.payload?.response_action).toBeUndefined();
    await fake.waitFor('chat.postMessage', (c) => textOf(c).includes('Exports slow over the socket'));
  });

  it('reconnects by itself when the socket drops, and goes on answering', async () => {
    const opened = fake.callsTo('apps.connections.open').length;
    socket.drop();
    await socket.until(() => socket.connections === 2 && socket.open === 1, 'reconnection', 30_000);
    expect(fake.callsTo('apps.connections.open').length).toBeGreaterThan(opened);
    const before = fake.responses.length + fake.callsTo('chat.postEphemeral').length;
    await socket.send('slash_commands', slash(fake, 'help'));
    await socket.until(
      () => fake.responses.length + fake.callsTo('chat.postEphemeral').length > before,
      'answer after reconnecting',
    );
  }, 45_000);
});
