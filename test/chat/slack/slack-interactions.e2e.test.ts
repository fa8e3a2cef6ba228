// Buttons and modals in Slack, end to end, on a real Postgres store: a click updates the message it
// was on (buttons gone, who did what); a modal submission reaches the form's action with its values;
// forged or stale requests get 401 and run nothing.
import { mention, textMessage, type Form, type Message } from '../../../src/chat/message.js';
import { defineAction, toCaller, toChannel } from '../../../src/commands/handler.js';
import { addActionHandler } from '../../../src/commands/registry.js';
import type { Db } from '../../../src/store/db.js';
import { createTestDatabase, type TestDatabase } from '../../support/databases.js';
import { FakeSlack, type SlackCall } from '../../support/fake-slack.js';
import { startSlackBot, type RunningSlackBot } from '../../support/slack-bot.js';
import {
  interactionBody,
  postSigned,
  slashCommandBody,
  slackSignature,
} from '../../support/slack-signing.js';
import { openTestDb } from '../../support/test-app.js';

// Tiny button and form kinds of this test only: they show what the adapter does with any outcome.
const runs: Array<{ kind: string; caller: string; values?: Record<string, string> }> = [];
addActionHandler(
  defineAction('test-slack-restart', ({ caller }) => {
    runs.push({ kind: 'restart', caller });
    return Promise.resolve({
      replace: {
        text: 'Restarted',
        blocks: [{ kind: 'section', text: `✅ Restarted by ${mention(caller)}` }],
      },
      replies: [toCaller(textMessage('Done: you restarted it.'))],
    });
  }),
);
addActionHandler(
  defineAction('test-slack-form', ({ caller, values }) => {
    runs.push({ kind: 'form', caller, values });
    return Promise.resolve({
      replies: [
        toChannel(
          textMessage(`Declared by ${mention(caller)}: ${values?.title ?? '?'} (${values?.severity ?? '?'})`),
        ),
      ],
    });
  }),
);

let fake: FakeSlack;
let database: TestDatabase;
let db: Db;
let slack: RunningSlackBot;

beforeAll(async () => {
  fake = await FakeSlack.start();
  database = await createTestDatabase('slack');
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

async function postWithButton(): Promise<{ actionId: string; ts: string }> {
  const actionId = await slack.bot.core.services.actions.create('test-slack-restart', {
    deployment: 'report-worker',
  });
  const message: Message = {
    text: 'Restart report-worker?',
    blocks: [
      { kind: 'section', text: 'Restart *report-worker*?' },
      { kind: 'actions', buttons: [{ actionId, label: 'Restart', style: 'danger' }] },
    ],
  };
  const posted = await slack.bot.platform.post('C0OPS', message);
  return { actionId, ts: posted.id };
}

function click(actionId: string, ts: string, user = 'U0BOB') {
  return interactionBody({
    type: 'block_actions',
    user: { id: user, username: 'bob', team_id: 'T0OATIE' },
    team: { id: 'T0OATIE', domain: 'oatie' },
    api_app_id: 'A0OATIE',
    token: 'deprecated',
    trigger_id: '999.888.trigger',
    response_url: fake.responseUrl(),
    container: { type: 'message', message_ts: ts, channel_id: 'C0OPS', is_ephemeral: false },
    channel: { id: 'C0OPS', name: 'ops' },
    message: { type: 'message', ts, text: 'Restart report-worker?' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b1', value: actionId, action_ts: '1.2' }],
  });
}

describe('buttons in Slack', () => {
  it('renders a danger button with a confirmation dialog, carrying only the stored action id', async () => {
    const { actionId } = await postWithButton();
    const call = await fake.waitFor('chat.postMessage', (c) => textOf(c).includes(actionId));
    const blocks = call.params.blocks as Array<{ type: string; elements?: Array<Record<string, unknown>> }>;
    const button = blocks.find((b) => b.type === 'actions')?.elements?.[0];
    expect(button).toMatchObject({ type: 'button', action_id: actionId, value: actionId, style: 'danger' });
    expect(button?.confirm).toBeDefined();
  });

  it('updates the clicked message: buttons gone, who did what; the clicker hears privately', async () => {
    const { actionId, ts } = await postWithButton();
    const answer = await postSigned(slack.eventsUrl, click(actionId, ts, 'U0BOB'));
    expect(answer.status).toBe(200);
    expect(answer.ms).toBeLessThan(3000);
    const update = await fake.waitFor('chat.update', (c) => c.params.ts === ts);
    expect(update.params.channel).toBe('C0OPS');
    expect(textOf(update)).toContain('Restarted by <@U0BOB>');
    expect(textOf(update)).not.toContain('"actions"');
    const note = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0BOB');
    expect(textOf(note)).toContain('you restarted it');
    expect(runs).toContainEqual({ kind: 'restart', caller: 'U0BOB' });
  });

  it('answers privately that an unknown button is no longer valid, and runs nothing', async () => {
    const before = runs.length;
    await postSigned(
      slack.eventsUrl,
      click('forged-id-that-was-never-stored', '1700000000.000100', 'U0MALLORY'),
    );
    const note = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0MALLORY');
    expect(textOf(note)).toContain('no longer valid');
    expect(runs.length).toBe(before);
    expect(fake.callsTo('chat.update').some((c) => c.params.ts === '1700000000.000100')).toBe(false);
  });
});

describe('modals in Slack', () => {
  it('opens a form as a modal and hands the submitted values to its action', async () => {
    const actionId = await slack.bot.core.services.actions.create('test-slack-form', {});
    const form: Form = {
      title: 'Declare an incident',
      submitLabel: 'Declare',
      actionId,
      fields: [
        {
          name: 'severity',
          label: 'Severity',
          type: 'select',
          options: ['p1', 'p2'].map((v) => ({ value: v, label: v.toUpperCase() })),
        },
        { name: 'title', label: 'Title', type: 'text' },
        { name: 'impact', label: 'Impact', type: 'textarea', optional: true },
      ],
    };
    await slack.bot.platform.openForm('555.444.trigger', form, 'C0WAR');
    const opened = await fake.waitFor('views.open', (c) => c.params.trigger_id === '555.444.trigger');
    const view = opened.params.view as {
      callback_id: string;
      private_metadata: string;
      blocks: Array<{ block_id: string; optional: boolean }>;
    };
    expect(view.blocks.map((b) => [b.block_id, b.optional])).toEqual([
      ['severity', false],
      ['title', false],
      ['impact', true],
    ]);

    const answer = await postSigned(
      slack.eventsUrl,
      interactionBody({
        type: 'view_submission',
        user: { id: 'U0CAROL', username: 'carol', team_id: 'T0OATIE' },
        team: { id: 'T0OATIE', domain: 'oatie' },
        api_app_id: 'A0OATIE',
        token: 'deprecated',
        trigger_id: '777.666.trigger',
        view: {
          id: 'V1',
          type: 'modal',
          callback_id: view.callback_id,
          private_metadata: view.private_metadata,
          state: {
            values: {
              severity: {
                value: {
                  type: 'static_select',
                  selected_option: { value: 'p1', text: { type: 'plain_text', text: 'P1' } },
                },
              },
              title: { value: { type: 'plain_text_input', value: 'Reports <!channel> down' } },
              impact: { value: { type: 'plain_text_input', value: null } },
            },
          },
        },
      }),
    );
    expect(answer.status).toBe(200);
    const posted = await fake.waitFor('chat.postMessage', (c) => c.params.channel === 'C0WAR');
    expect(textOf(posted)).toContain('Declared by <@U0CAROL>: Reports &lt;!channel&gt; down (p1)');
    expect(runs).toContainEqual({
      kind: 'form',
      caller: 'U0CAROL',
      values: { severity: 'p1', title: 'Reports <!channel> down' },
    });
  });
});

describe('malformed requests', () => {
  it('answers 400 to a signed payload that is not JSON, and ignores a command without a user', async () => {
    expect((await postSigned(slack.eventsUrl, 'payload=not-json')).status).toBe(400);
    const before = fake.calls.length;
    const noUser = new URLSearchParams({
      command: '/oatie',
      text: 'audit',
      channel_id: 'C0NOUSER',
    }).toString();
    expect((await postSigned(slack.eventsUrl, noUser)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls.slice(before).some((c) => c.params.channel === 'C0NOUSER')).toBe(false);
  });
});

describe('requests that Slack did not sign', () => {
  it('rejects a bad signature or a stale timestamp with 401 and runs nothing', async () => {
    const body = slashCommandBody({ text: 'audit', user_id: 'U0FORGER' });
    const now = Math.floor(Date.now() / 1000);
    const forged = await postSigned(slack.eventsUrl, body, {
      signature: slackSignature('not-the-secret', now, body),
    });
    const stale = await postSigned(slack.eventsUrl, body, { timestamp: now - 6 * 60 });
    const unsigned = await fetch(slack.eventsUrl, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(fake.calls)).not.toContain('U0FORGER');
    const audited = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE actor = 'U0FORGER'",
    );
    expect(audited.rows[0]?.n).toBe(0);
  });
});
