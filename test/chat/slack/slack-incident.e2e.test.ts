// A P1 declared from Slack, end to end: `/oatie incident` opens the declaration modal, the submission
// opens a war room and posts the alert with its buttons, and Acknowledge updates the alert in place.
import type { Db } from '../../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';
import { FakeSlack, type SlackCall } from '../../support/fake-slack.js';
import { startSlackBot, type RunningSlackBot } from '../../support/slack-bot.js';
import { interactionBody, postSigned, slashCommandBody } from '../../support/slack-signing.js';
import { openTestDb } from '../../support/test-app.js';

let fake: FakeSlack;
let database: TestDatabase;
let db: Db;
let slack: RunningSlackBot;

beforeAll(async () => {
  fake = await FakeSlack.start();
  database = await createTestDatabase('slackinc');
  db = await openTestDb(database.url);
  slack = await startSlackBot({ fake, db });
});

afterAll(async () => {
  await slack.stop();
  await db.close();
  await database.drop();
  await fake.stop();
});

const textOf = (call: SlackCall): string => JSON.stringify(call.params.blocks ?? call.params.text);
type View = { callback_id: string; private_metadata: string; blocks: Array<{ block_id: string }> };
type ActionsBlock = { type: string; elements?: Array<{ action_id: string; text: { text: string } }> };

describe('a P1 declared from Slack', () => {
  it('opens the declaration modal, opens a war room on submit, and Acknowledge updates the alert', async () => {
    const ack = await postSigned(
      slack.eventsUrl,
      slashCommandBody({
        text: 'incident',
        user_id: 'U0ALICE',
        channel_id: 'C0GENERAL',
        trigger_id: 'trig.declare',
      }),
    );
    expect(ack.status).toBe(200);
    const opened = await fake.waitFor('views.open', (c) => c.params.trigger_id === 'trig.declare');
    const view = opened.params.view as View;
    expect(view.blocks.map((b) => b.block_id)).toEqual(expect.arrayContaining(['severity', 'title']));

    const submit = interactionBody({
      type: 'view_submission',
      user: { id: 'U0ALICE', username: 'alice', team_id: 'T0OATIE' },
      team: { id: 'T0OATIE', domain: 'oatie' },
      api_app_id: 'A0OATIE',
      token: 'deprecated',
      trigger_id: 'trig.submit',
      view: {
        id: 'V1',
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: {
          values: {
            severity: { value: { type: 'static_select', selected_option: { value: 'p1' } } },
            title: { value: { type: 'plain_text_input', value: 'Report generation down' } },
          },
        },
      },
    });
    expect((await postSigned(slack.eventsUrl, submit)).status).toBe(200);
    const room = await fake.waitFor('conversations.create', () => true, 8000);
    const roomId = await roomIdOf(String(room.params.name));
    const alert = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === roomId && textOf(c).includes('Report generation down'),
      8000,
    );
    const buttons = (alert.params.blocks as ActionsBlock[]).flatMap((b) =>
      b.type === 'actions' ? (b.elements ?? []) : [],
    );
    const acknowledge = buttons.find((b) => /ack/i.test(b.text.text));
    expect(acknowledge).toBeDefined();

    const ts = String(alert.answer.ts);
    const click = interactionBody({
      type: 'block_actions',
      user: { id: 'U0BOB', username: 'bob', team_id: 'T0OATIE' },
      team: { id: 'T0OATIE', domain: 'oatie' },
      api_app_id: 'A0OATIE',
      token: 'deprecated',
      trigger_id: 'trig.ack',
      response_url: fake.responseUrl(),
      container: { type: 'message', message_ts: ts, channel_id: roomId, is_ephemeral: false },
      channel: { id: roomId, name: String(room.params.name) },
      message: { type: 'message', ts },
      actions: [
        {
          type: 'button',
          action_id: acknowledge?.action_id,
          value: acknowledge?.action_id,
          block_id: 'b',
          action_ts: '1',
        },
      ],
    });
    expect((await postSigned(slack.eventsUrl, click)).status).toBe(200);
    const updated = await fake.waitFor('chat.update', (c) => c.params.ts === ts, 8000);
    expect(textOf(updated)).toContain('U0BOB');
  }, 20_000);
});

/** The id the fake gave the war room it created. */
async function roomIdOf(name: string): Promise<string> {
  await fake.waitFor('conversations.create');
  const id = fake.channels.get(name);
  if (id === undefined) throw new Error(`no channel ${name}`);
  return id;
}
