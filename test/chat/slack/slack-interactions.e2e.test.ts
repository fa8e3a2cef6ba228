// Buttons and modals in Slack, end to end, on a real Postgres store, with the bot's own buttons and
// forms (an incident's alert, the declaration modal): a click updates the message it was on; a modal
// submission reaches the form's action with its values; a P1 declared through the modal gets its war
// room and is acknowledged from its alert; forged or stale requests get 401 and run nothing.
import { findIncident } from '../../../src/incidents/incident-store.js';
import {
  buttonOf,
  buttonsOf,
  createdChannel,
  textOf,
  type FakeSlack,
  type SlackCall,
} from '../../support/fake-slack.js';
import { startSlackStory, type SlackStory } from '../../support/slack-bot.js';
import {
  buttonClickBody,
  postSigned,
  selected,
  slashCommandBody,
  slackSignature,
  typed,
  viewSubmissionBody,
} from '../../support/slack-signing.js';

let story: SlackStory;
let fake: FakeSlack;

beforeAll(async () => {
  story = await startSlackStory({ database: 'slack' });
  fake = story.fake;
});

afterAll(() => story.stop());

/**
 * Declares a P2 in `channel` and returns its alert. A P2 has no war room: it lives in the channel it
 * was declared in, which holds one open incident.
 */
async function declareIn(channel: string, title: string): Promise<SlackCall> {
  expect((await story.slash(`incident p2 ${title}`, { channel })).status).toBe(200);
  const posted = (c: SlackCall, where: string) => c.params.channel === where && textOf(c).includes(title);
  const alert = await fake.waitFor('chat.postMessage', (c) => posted(c, channel), 8000);
  // The announcement in #incidents is the declaration's last message: nothing of it comes later.
  await fake.waitFor('chat.postMessage', (c) => posted(c, 'C0INCIDENTS'), 8000);
  return alert;
}

const click = (alert: SlackCall, actionId: string, user: string) =>
  postSigned(
    story.slack.eventsUrl,
    buttonClickBody({
      user,
      channel: String(alert.params.channel),
      ts: String(alert.answer.ts),
      actionId,
      responseUrl: fake.responseUrl(),
    }),
  );

type View = {
  callback_id: string;
  private_metadata: string;
  blocks: Array<{ block_id: string; optional: boolean; element: { max_length?: number } }>;
};

/** The incident whose alert this is, as stored. */
async function incidentOf(alert: SlackCall) {
  const id = /INC-(\d+)/.exec(textOf(alert))?.[1];
  return findIncident(story.db, Number(id));
}

describe('buttons in Slack', () => {
  it('renders a danger button with a confirmation dialog, carrying only the stored action id', async () => {
    const alert = await declareIn('C0OPS', 'Exports slow');
    const button = buttonOf(alert, 'Resolve');
    const actionId = (await incidentOf(alert))?.buttons.resolve;
    expect(actionId).toBeDefined();
    expect(button).toMatchObject({ type: 'button', action_id: actionId, value: actionId, style: 'danger' });
    expect(button.confirm).toBeDefined();
  });

  it('updates the clicked message in place (who did what, its button gone); a second click is answered privately', async () => {
    const alert = await declareIn('C0DATA', 'Uploads failing');
    const ts = String(alert.answer.ts);
    const acknowledge = buttonOf(alert, 'Acknowledge').action_id;
    const answer = await click(alert, acknowledge, 'U0LEAD0001');
    expect(answer.status).toBe(200);
    const update = await fake.waitFor('chat.update', (c) => c.params.ts === ts);
    expect(update.params.channel).toBe('C0DATA');
    expect(textOf(update)).toContain('Acknowledged: by <@U0LEAD0001>');
    expect(buttonsOf(update).map((b) => b.text.text)).toEqual(['Post update', 'Resolve']);
    expect((await incidentOf(alert))?.acknowledgedBy).toBe('U0LEAD0001');

    const updates = fake.callsTo('chat.update').length;
    await click(alert, acknowledge, 'U0MANAGER1');
    const note = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0MANAGER1');
    expect(textOf(note)).toContain('was already acknowledged by <@U0LEAD0001>');
    expect(fake.callsTo('chat.update')).toHaveLength(updates);
    expect((await incidentOf(alert))?.acknowledgedBy).toBe('U0LEAD0001');
  });

  it('answers privately that an unknown button is no longer valid, and runs nothing', async () => {
    const before = fake.calls.length;
    await postSigned(
      story.slack.eventsUrl,
      buttonClickBody({
        user: 'U0MALLORY',
        channel: 'C0OPS',
        ts: '1700000000.000100',
        actionId: 'forged-id-that-was-never-stored',
        responseUrl: fake.responseUrl(),
      }),
    );
    const note = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0MALLORY');
    expect(textOf(note)).toContain('no longer valid');
    expect(fake.calls.slice(before).map((c) => c.method)).toEqual(['chat.postEphemeral']);
    expect(fake.callsTo('chat.update').some((c) => c.params.ts === '1700000000.000100')).toBe(false);
  });
});

describe('modals in Slack', () => {
  it('opens a form as a modal and hands the submitted values to its action', async () => {
    await story.slash('incident', { user: 'U0CAROL', channel: 'C0WAR', trigger: '555.444.trigger' });
    const opened = await fake.waitFor('views.open', (c) => c.params.trigger_id === '555.444.trigger');
    const view = opened.params.view as View;
    expect(view.blocks.map((b) => [b.block_id, b.optional])).toEqual([
      ['severity', false],
      ['title', false],
      ['service', true],
      ['impact', true],
    ]);
    // As long as the typed command allows, no longer: Slack refuses more before submit, keeping the text.
    expect(view.blocks.map((b) => b.element.max_length)).toEqual([undefined, 150, 150, 2000]);

    const answer = await postSigned(
      story.slack.eventsUrl,
      viewSubmissionBody({
        user: 'U0CAROL',
        view,
        values: {
          severity: selected('p2'),
          title: typed('Reports <!channel> down'),
          service: typed(null),
          impact: typed(null),
        },
      }),
    );
    expect(answer.status).toBe(200);
    const posted = await fake.waitFor('chat.postMessage', (c) => c.params.channel === 'C0WAR');
    expect(textOf(posted)).toContain('INC-');
    expect(textOf(posted)).toContain(': Reports &lt;!channel&gt; down');
    expect(textOf(posted)).toContain('Incident Commander: <@U0CAROL>');
    const id = Number(/INC-(\d+)/.exec(textOf(posted))?.[1]);
    expect(await findIncident(story.db, id)).toMatchObject({
      severity: 'p2',
      title: 'Reports <!channel> down',
      commander: 'U0CAROL',
      channel: 'C0WAR',
      service: undefined,
      impact: undefined,
    });
  });
});

describe('a P1 declared from Slack', () => {
  it('opens the declaration modal, opens a war room on submit, and Acknowledge updates the alert', async () => {
    const ack = await story.slash('incident', {
      user: 'U0ALICE',
      channel: 'C0GENERAL',
      trigger: 'trig.declare',
    });
    expect(ack.status).toBe(200);
    const opened = await fake.waitFor('views.open', (c) => c.params.trigger_id === 'trig.declare');
    const view = opened.params.view as View;
    expect(view.blocks.map((b) => b.block_id)).toEqual(expect.arrayContaining(['severity', 'title']));

    const submit = viewSubmissionBody({
      user: 'U0ALICE',
      view,
      values: { severity: selected('p1'), title: typed('Report generation down') },
      trigger: 'trig.submit',
    });
    expect((await postSigned(story.slack.eventsUrl, submit)).status).toBe(200);
    const room = createdChannel(
      await fake.waitFor(
        'conversations.create',
        (c) => String(c.params.name).endsWith('-report-generation-down'),
        8000,
      ),
    );
    const alert = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === room.id && textOf(c).includes('Report generation down'),
      8000,
    );
    const acknowledge = buttonOf(alert, 'Acknowledge');

    const ts = String(alert.answer.ts);
    expect((await click(alert, acknowledge.action_id, 'U0LEAD0001')).status).toBe(200);
    const updated = await fake.waitFor('chat.update', (c) => c.params.ts === ts, 8000);
    expect(textOf(updated)).toContain('U0LEAD0001');
  });
});

describe('malformed requests', () => {
  // More bad input (a command without a user, unreadable clicks and modals): slack-bad-input.e2e.test.ts.
  it('answers 400 to a signed payload that is not JSON', async () => {
    expect((await postSigned(story.slack.eventsUrl, 'payload=not-json')).status).toBe(400);
  });
});

describe('requests that Slack did not sign', () => {
  it('rejects a bad signature or a stale timestamp with 401 and runs nothing', async () => {
    const body = slashCommandBody({ text: 'audit', user_id: 'U0FORGER' });
    const now = Math.floor(Date.now() / 1000);
    const forged = await postSigned(story.slack.eventsUrl, body, {
      signature: slackSignature('not-the-secret', now, body),
    });
    const stale = await postSigned(story.slack.eventsUrl, body, { timestamp: now - 6 * 60 });
    const unsigned = await fetch(story.slack.eventsUrl, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    await new Promise((r) => setTimeout(r, 300));
    expect(JSON.stringify(fake.calls)).not.toContain('U0FORGER');
    const audited = await story.db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM audit_log WHERE actor = 'U0FORGER'",
    );
    expect(audited.rows[0]?.n).toBe(0);
  });
});
