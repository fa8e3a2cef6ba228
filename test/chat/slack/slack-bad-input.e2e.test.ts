// Nothing Slack sends is dropped in silence: a very long command is answered (a pasted JWT may be
// long), a click that cannot be read is logged and answered to the clicker, a modal that comes back
// malformed is logged and answered to its submitter, a command without a user is answered in its ack.
import type { Logger } from '../../../src/core/logger.js';
import { NO_CALLER_ACK } from '../../../src/chat/slack/slack-ack.js';
import { textOf, type FakeSlack } from '../../support/fake-slack.js';
import { startSlackStory, type SlackStory } from '../../support/slack-bot.js';
import {
  buttonClickBody,
  interactionBody,
  postSigned,
  typed,
  viewSubmissionBody,
} from '../../support/slack-signing.js';

/** Warnings logged, as `message` with the object logged beside it. */
const warnings: Array<{ message: string; fields: object }> = [];
const recordingLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj, msg) => {
    warnings.push(
      typeof obj === 'string' ? { message: obj, fields: {} } : { message: msg ?? '', fields: obj },
    );
  },
  error: () => undefined,
  child: () => recordingLog,
};

let story: SlackStory;
let fake: FakeSlack;

beforeAll(async () => {
  story = await startSlackStory({ log: recordingLog });
  fake = story.fake;
});

afterAll(() => story.stop());

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('long commands', () => {
  it('decodes a pasted JWT of 5,000 characters instead of ignoring it, and never repeats it', async () => {
    const padding = 'x'.repeat(4800);
    const signature = 'bG9uZy1zaWduYXR1cmUtdGhhdC1tdXN0LW5ldmVyLWxlYWs';
    const jwt = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'alice', exp: 1, pad: padding })}.${signature}`;
    expect(jwt.length).toBeGreaterThan(4000);
    const ack = await story.slash(`auth token ${jwt}`, { user: 'U0LONGJWT' });
    expect(ack.status).toBe(200);
    const answer = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0LONGJWT');
    expect(textOf(answer)).toContain('expired');
    expect(JSON.stringify(fake.calls)).not.toContain(signature);
  });

  it('tells the caller privately that a command of 9,000 characters is too long', async () => {
    const ack = await story.slash(`incident p2 ${'a'.repeat(9000)}`, { user: 'U0TOOLONG' });
    expect(ack.status).toBe(200);
    const answer = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0TOOLONG');
    expect(textOf(answer)).toContain('too long for a command');
  });
});

describe('clicks that cannot be handled', () => {
  it('answers a click on something that is not a button through its response_url, and logs it', async () => {
    const responseUrl = fake.responseUrl();
    const body = buttonClickBody({
      user: 'U0SELECT',
      channel: 'C0OPS',
      ts: '1700000000.000200',
      actionId: 'a-select',
      responseUrl,
      elementType: 'static_select',
    });
    expect((await postSigned(story.slack.eventsUrl, body)).status).toBe(200);
    const id = responseUrl.split('/').at(-1);
    const answer = await fake.waitForResponse((r) => r.id === id);
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(answer.body)).toContain('That click could not be read, so nothing ran.');
    expect(warnings).toContainEqual({
      message: 'click not handled; the clicker is told',
      fields: { reason: 'a static_select element', issues: undefined },
    });
  });

  it('answers a click whose payload is malformed (an action without id) privately in its channel', async () => {
    const body = interactionBody({
      type: 'block_actions',
      user: { id: 'U0NOACTION' },
      channel: { id: 'C0OPS' },
      container: { channel_id: 'C0OPS' },
      actions: [{ type: 'button', value: 'no action id' }],
    });
    expect((await postSigned(story.slack.eventsUrl, body)).status).toBe(200);
    const answer = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0NOACTION');
    expect(answer.params.channel).toBe('C0OPS');
    expect(textOf(answer)).toContain('That click could not be read');
    expect(warnings.some((w) => w.message === 'click not handled; the clicker is told')).toBe(true);
  });
});

describe('modals that come back malformed', () => {
  const view = (private_metadata: string) => ({ callback_id: 'oatie_form', private_metadata });

  it('answers privately in the channel the form was opened from', async () => {
    const body = viewSubmissionBody({
      user: 'U0BADFORM',
      view: view(JSON.stringify({ a: 'some-action', c: 'C0MODAL' })),
      values: { title: { value: 'not an input state' } },
    });
    expect((await postSigned(story.slack.eventsUrl, body)).status).toBe(200);
    const answer = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0BADFORM');
    expect(answer.params.channel).toBe('C0MODAL');
    expect(textOf(answer)).toContain('That form came back in a shape the bot cannot read');
    expect(warnings.some((w) => w.message === 'malformed form submission; the submitter is told')).toBe(true);
  });

  it('answers by direct message when not even the channel can be read', async () => {
    const body = viewSubmissionBody({
      user: 'U0NOMETA',
      view: view('not json'),
      values: { title: typed('Reports down') },
    });
    expect((await postSigned(story.slack.eventsUrl, body)).status).toBe(200);
    const opened = await fake.waitFor('conversations.open', (c) => c.params.users === 'U0NOMETA');
    const dm = (opened.answer.channel as { id: string }).id;
    const answer = await fake.waitFor('chat.postMessage', (c) => c.params.channel === dm);
    expect(textOf(answer)).toContain('That form came back in a shape the bot cannot read');
  });
});

describe('a command without a user', () => {
  it('is answered with a short error in the ack (200), and runs nothing', async () => {
    const before = fake.calls.length;
    const noUser = new URLSearchParams({
      command: '/oatie',
      text: 'audit',
      channel_id: 'C0NOUSER',
    }).toString();
    const ack = await postSigned(story.slack.eventsUrl, noUser);
    expect(ack.status).toBe(200);
    expect(ack.body).toContain(NO_CALLER_ACK);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.calls.slice(before).some((c) => c.params.channel === 'C0NOUSER')).toBe(false);
  });
});
