// Who may act on an incident, end to end in Slack (the real Bolt app, signed requests, a real Postgres
// store): Acknowledge clicked by someone the policy does not allow, or by a user of another Slack team,
// is refused privately, audited, and changes nothing — the incident stays open and its escalation timer
// stays as it was; a typed `incident resolve` from a stranger is refused the same way; then a lead's
// click acknowledges and stops the escalation.
import { createdChannel, textOf, type FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { startSlackStory, type SlackStory } from '../support/slack-bot.js';

let story: SlackStory;
let fake: FakeSlack;

beforeAll(async () => {
  story = await startSlackStory({ database: 'incident_access' });
  fake = story.fake;
});
afterAll(() => story.stop());

const ALICE = 'U0ONCALL01'; // on call: declares
const BOB = 'U0LEAD0001'; // team lead, group sre
const DAVE = 'U0TEAM0001'; // group sre
const STRANGER = 'U0STRANGER'; // in this workspace, not in the policy

interface TimerRow {
  state: string;
  due_at: Date;
  attempts: number;
}

async function escalationTimer(incidentId: number): Promise<TimerRow | undefined> {
  const rows = await story.db.query<TimerRow>(
    "SELECT state, due_at, attempts FROM timers WHERE key = $1 AND state <> 'cancelled' ORDER BY id DESC LIMIT 1",
    [`incident:${incidentId}:escalation`],
  );
  return rows.rows[0];
}

async function incidentState(incidentId: number): Promise<{ state: string; acknowledged_by: string | null }> {
  const rows = await story.db.query<{ state: string; acknowledged_by: string | null }>(
    'SELECT state, acknowledged_by FROM incidents WHERE id = $1',
    [incidentId],
  );
  const row = rows.rows[0];
  if (!row) throw new Error(`no incident ${incidentId}`);
  return row;
}

async function refusals(actor: string): Promise<Array<{ command: string; target: string; detail: unknown }>> {
  const rows = await story.db.query<{ command: string; target: string; detail: unknown }>(
    "SELECT command, target, detail FROM audit_log WHERE event = 'incident.refused' AND actor = $1 AND outcome = 'forbidden'",
    [actor],
  );
  return rows.rows;
}

const privateTo = (user: string, count: number) =>
  fake.waitFor(
    'chat.postEphemeral',
    (c) =>
      c.params.user === user &&
      fake
        .callsTo('chat.postEphemeral')
        .filter((p) => p.params.user === user)
        .indexOf(c) === count,
  );

describe('acting on a P1 in Slack', () => {
  let alert: SlackCall;
  let room: string;
  let incidentId: number;
  let timerBefore: TimerRow | undefined;

  beforeAll(async () => {
    expect((await story.slash('incident p1 Payments down', { user: ALICE, channel: 'C0OPS' })).status).toBe(
      200,
    );
    const created = await fake.waitFor('conversations.create', () => true, 8000);
    room = createdChannel(created).id;
    alert = await fake.waitFor(
      'chat.postMessage',
      (c) => c.params.channel === room && textOf(c).includes('Acknowledge'),
      8000,
    );
    await fake.waitFor('chat.postMessage', (c) => c.params.channel === 'C0INCIDENTS', 8000);
    incidentId = Number(/INC-(\d+)/.exec(textOf(alert))?.[1]);
    timerBefore = await escalationTimer(incidentId);
    expect(timerBefore?.state).toBe('pending');
  });

  it('refuses Acknowledge from someone the policy does not allow: private, audited, escalation unchanged', async () => {
    expect((await story.press(alert, 'Acknowledge', STRANGER)).status).toBe(200);
    const note = await privateTo(STRANGER, 0);
    expect(textOf(note)).toContain('You cannot do this');
    expect(textOf(note)).toContain('incidents.act');
    expect(note.params.channel).toBe(room);
    expect(await incidentState(incidentId)).toEqual({ state: 'open', acknowledged_by: null });
    expect(await escalationTimer(incidentId)).toEqual(timerBefore);
    expect(await refusals(STRANGER)).toEqual([
      expect.objectContaining({ command: 'incident ack (button)', target: `INC-${incidentId}` }),
    ]);
    // The alert keeps its buttons for someone who may press them.
    expect(fake.callsTo('chat.update').filter((c) => c.params.ts === alert.answer.ts)).toEqual([]);
  });

  it('refuses Acknowledge from a user of another Slack team, even one whose id is in a policy group', async () => {
    expect((await story.press(alert, 'Acknowledge', DAVE, undefined, 'T999OTHER')).status).toBe(200);
    const note = await privateTo(DAVE, 0);
    expect(textOf(note)).toContain('another team');
    expect(textOf(note)).toContain('incidents.otherTeams');
    expect(await incidentState(incidentId)).toEqual({ state: 'open', acknowledged_by: null });
    expect(await escalationTimer(incidentId)).toEqual(timerBefore);
    const [row] = await refusals(DAVE);
    expect(row?.detail).toMatchObject({ team: 'T999OTHER' });
  });

  it('refuses a typed resolve from a stranger in the war room', async () => {
    await story.slash('incident resolve it was the network', { user: STRANGER, channel: room });
    const note = await privateTo(STRANGER, 1);
    expect(textOf(note)).toContain('You cannot do this');
    expect((await incidentState(incidentId)).state).toBe('open');
    expect((await refusals(STRANGER)).map((r) => r.command)).toContain('incident resolve');
  });

  it('lets a lead of the home team acknowledge, which stops the escalation', async () => {
    expect((await story.press(alert, 'Acknowledge', BOB)).status).toBe(200);
    await fake.waitFor('chat.update', (c) => c.params.ts === alert.answer.ts, 8000);
    expect(await incidentState(incidentId)).toEqual({ state: 'acknowledged', acknowledged_by: BOB });
    expect(await escalationTimer(incidentId)).toBeUndefined();
  });
});
