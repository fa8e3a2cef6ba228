// After a click in Slack that did its job, the message it was on says who did what and its button is
// gone, so nobody can press it twice: a suggested fix under a diagnostic, an escalation's Acknowledge,
// a reminder's Post update (once the update is posted through its modal). A refused click changes
// nothing: the buttons stay for someone who may press them.
import { parsePolicy, type Policy } from '../../../src/config/policy.js';
import {
  buttonOf,
  buttonsOf,
  textOf,
  whereOf,
  type FakeSlack,
  type SlackCall,
} from '../../support/fake-slack.js';
import { policyYaml } from '../../support/incident-harness.js';
import {
  createOatieDatabase,
  startQuery,
  type OatieDatabase,
  type RunningQuery,
} from '../../support/oatie-database.js';
import { startSlackStory, type SlackStory } from '../../support/slack-bot.js';
import { postSigned, selected, typed, viewSubmissionBody } from '../../support/slack-signing.js';

/** Slack ids of the default policy's people: alice is on call (sre), bob is a lead. */
const ALICE = 'U0ONCALL01';
const BOB = 'U0LEAD0001';

let story: SlackStory;
let fake: FakeSlack;
let oatie: OatieDatabase;
let sleeper: RunningQuery;

/** Escalation after 1 s and a reminder every 2 s for P2; terminations of queries older than 1 s. */
async function quickPolicy(): Promise<Policy> {
  const yaml = await policyYaml({ p2: { responseTime: '1s', updateInterval: '2s' } });
  const result = parsePolicy(yaml.replace('minTerminateAge: 5m', 'minTerminateAge: 1s'), 'quick.yaml');
  if (!result.ok) throw new Error(result.message);
  return result.policy;
}

beforeAll(async () => {
  oatie = await createOatieDatabase('slackclick');
  story = await startSlackStory({
    database: 'slackclick',
    policy: await quickPolicy(),
    env: { OATIE_DATABASE_URL: oatie.url, OATIE_TARGET_TIMEOUT_MS: '3000' },
    targets: true,
  });
  fake = story.fake;
});

afterAll(async () => {
  await story.stop();
  await sleeper?.client.end().catch(() => undefined);
  await oatie.drop();
});

const updatesOf = (message: SlackCall): SlackCall[] => {
  const { channel, ts } = whereOf(message);
  return fake.callsTo('chat.update').filter((c) => c.params.channel === channel && c.params.ts === ts);
};

const contextTexts = (call: SlackCall): string[] =>
  ((call.params.blocks ?? []) as Array<{ type: string; elements?: Array<{ text?: string }> }>)
    .filter((b) => b.type === 'context')
    .flatMap((b) => (b.elements ?? []).map((e) => e.text ?? ''));

describe('a suggested fix under a diagnostic', () => {
  let diagnostic: SlackCall;
  let label: string;

  beforeAll(async () => {
    sleeper = await startQuery(oatie, 'nightly-export', 'SELECT pg_sleep(60)');
    await new Promise((r) => setTimeout(r, 1200));
    expect(
      (await story.slash('db long-running --older-than 1s', { user: ALICE, channel: 'C0FIX' })).status,
    ).toBe(200);
    diagnostic = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C0FIX' && buttonsOf(c).length > 0,
      8000,
    );
    label = `Terminate pid ${sleeper.pid}`;
    expect(buttonsOf(diagnostic).map((b) => b.text.text)).toContain(label);
  });

  it('stays pressable when the click is refused (someone not allowed to request fixes)', async () => {
    expect((await story.press(diagnostic, label, 'U0STRANGER')).status).toBe(200);
    const refusal = await fake.waitFor('chat.postEphemeral', (c) => c.params.user === 'U0STRANGER');
    expect(textOf(refusal)).toContain('You cannot request this fix');
    await new Promise((r) => setTimeout(r, 300));
    expect(updatesOf(diagnostic)).toEqual([]);
  });

  it('is replaced by who proposed it, keeping the diagnostic, and cannot be pressed twice', async () => {
    const click = await story.press(diagnostic, label, ALICE);
    expect(click.status).toBe(200);
    const card = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C0FIX' && textOf(c).includes(`pg_terminate_backend(${sleeper.pid})`),
      8000,
    );
    expect(buttonsOf(card).map((b) => b.text.text)).toEqual(['Approve', 'Reject']);

    const [update, ...more] = await waitForUpdates(diagnostic, 1);
    expect(more).toEqual([]);
    expect(buttonsOf(update!).map((b) => b.text.text)).not.toContain(label);
    expect(buttonsOf(update!)).toEqual([]); // the whole row of suggested fixes went with it
    expect(contextTexts(update!)).toContain(`🛠️ <@${ALICE}> proposed this fix — see the approval card`);
    expect(textOf(update!)).toContain('nightly-export'); // the diagnostic itself is still there
    expect(update!.params.text).toBe(diagnostic.params.text);

    // Slack now shows the message without the button: there is nothing left to press.
    expect(() => buttonOf(fake.current(diagnostic), label)).toThrow(`no ${label} button`);
  });

  it('leaves the approval card’s buttons when its approval is refused (the requester approving)', async () => {
    const card = await fake.waitFor('chat.postMessage', (c) =>
      buttonsOf(c).some((b) => b.text.text === 'Approve'),
    );
    const before = updatesOf(card).length;
    expect((await story.press(card, 'Approve', ALICE)).status).toBe(200);
    const refusal = await fake.waitFor(
      'chat.postEphemeral',
      (c) => c.params.user === ALICE && textOf(c).includes('You cannot approve this'),
    );
    expect(refusal.params.channel).toBe('C0FIX');
    await new Promise((r) => setTimeout(r, 300));
    expect(updatesOf(card)).toHaveLength(before);
    expect(buttonsOf(fake.current(card)).map((b) => b.text.text)).toEqual(['Approve', 'Reject']);
  });
});

async function waitForUpdates(message: SlackCall, n: number): Promise<SlackCall[]> {
  const deadline = Date.now() + 8000;
  while (updatesOf(message).length < n) {
    if (Date.now() > deadline) throw new Error(`fewer than ${n} chat.update of ${whereOf(message).ts}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return updatesOf(message);
}

describe('an incident’s escalation and reminder buttons', () => {
  let alert: SlackCall;
  let ref: string;

  beforeAll(async () => {
    expect((await story.slash('incident p2 Exports stuck', { user: ALICE, channel: 'C0INC' })).status).toBe(
      200,
    );
    alert = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C0INC' && textOf(c).includes('Exports stuck'),
      8000,
    );
    ref = /INC-\d+/.exec(textOf(alert))?.[0] ?? 'INC-?';
  });

  afterAll(async () => {
    await story.slash('incident resolve Stuck export worker restarted', { user: ALICE, channel: 'C0INC' });
    await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C0INC' && textOf(c).includes('RESOLVED'),
      8000,
    );
  });

  it('Acknowledge under an escalation: the escalation says who acknowledged, the alert updates once, by its flow', async () => {
    const escalation = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C0INC' && textOf(c).includes('📟 Escalation'),
      8000,
    );
    expect(buttonOf(escalation, 'Acknowledge').action_id).not.toBe(buttonOf(alert, 'Acknowledge').action_id);
    expect((await story.press(escalation, 'Acknowledge', BOB)).status).toBe(200);

    const [update] = await waitForUpdates(escalation, 1);
    expect(buttonsOf(update!)).toEqual([]);
    expect(contextTexts(update!)).toContain(`✅ <@${BOB}> acknowledged ${ref}`);
    expect(textOf(update!)).toContain('📟 Escalation');

    const alertUpdates = await waitForUpdates(alert, 1);
    expect(textOf(alertUpdates.at(-1)!)).toContain(`Acknowledged: by <@${BOB}>`);
    expect(alertUpdates.flatMap(contextTexts).some((t) => t.includes('✅'))).toBe(false);
  });

  it('Post update under a reminder opens the form; once the update is posted, the reminder says who posted it', async () => {
    const reminder = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === 'C0INC' && textOf(c).includes('⏰ Reminder'),
      8000,
    );
    expect((await story.press(reminder, 'Post update', BOB, 'trig.reminder')).status).toBe(200);
    const opened = await fake.waitFor('views.open', (c) => c.params.trigger_id === 'trig.reminder');
    // Opening the form is not the job: a cancelled form must leave the button.
    await new Promise((r) => setTimeout(r, 300));
    expect(updatesOf(reminder)).toEqual([]);

    const view = opened.params.view as { callback_id: string; private_metadata: string };
    const submit = viewSubmissionBody({
      user: BOB,
      view,
      values: {
        status: selected('identified'),
        text: typed('The export worker was wedged'),
        public: selected('no'),
      },
    });
    expect((await postSigned(story.slack.eventsUrl, submit)).status).toBe(200);
    await fake.waitFor('chat.postMessage', (c) => textOf(c).includes('The export worker was wedged'), 8000);
    const [update] = await waitForUpdates(reminder, 1);
    expect(buttonsOf(update!)).toEqual([]);
    expect(contextTexts(update!)).toContain(`📝 <@${BOB}> posted an update to ${ref}`);
    expect(textOf(update!)).toContain('⏰ Reminder');
  });
});
