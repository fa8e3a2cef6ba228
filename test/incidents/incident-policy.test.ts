// The policy's `incidents:` section on every path that is not Slack: typed commands (the console's
// `as`), buttons and forms, and users of another team reaching the core. A refusal is private, audited
// and changes nothing; the defaults let old policy files load unchanged.
import { incidentRights } from '../../src/config/incident-policy.js';
import { parsePolicy } from '../../src/config/policy.js';
import { buttonIn, startIncidentStory, type IncidentStory } from '../support/incident-harness.js';
import { policyWith } from '../support/test-app.js';

const SECTION = [
  'incidents:',
  '  declare: ["group:leads", dave]',
  '  act: [commander, notified]',
  '  otherTeams: [dave]',
].join('\n');

let h: IncidentStory;

beforeAll(async () => {
  const policy = await policyWith((yaml) => yaml.replace(/^incidents:\n( {2}.*\n)+/m, `${SECTION}\n`));
  h = await startIncidentStory({ policy });
});
afterAll(() => h.stop());

const incidents = async () =>
  (await h.db.query<{ n: number }>('SELECT count(*)::int AS n FROM incidents')).rows[0]?.n;
const refusedRows = async (actor: string) =>
  (
    await h.db.query<{ command: string }>(
      "SELECT command FROM audit_log WHERE event = 'incident.refused' AND actor = $1",
      [actor],
    )
  ).rows.map((r) => r.command);

describe('the incidents policy', () => {
  it('lets only the listed people declare, privately refusing the others (console `as`)', async () => {
    await h.say('incident p2 Exports slow', { as: 'alice', in: 'ops' });
    expect(h.privately('alice').at(-1)).toContain('incidents are declared by group:leads, dave');
    expect(await incidents()).toBe(0);
    expect(await refusedRows('alice')).toEqual(['incident declare']);
    await h.say('incident p2 Exports slow', { as: 'bob', in: 'ops' });
    expect(await incidents()).toBe(1);
  });

  it('lets the commander and the notified act; anyone else is refused on commands and buttons alike', async () => {
    // P2 notifies the team member (dave); bob declared it.
    await h.say('incident ack', { as: 'carol', in: 'ops' });
    expect(h.privately('carol').at(-1)).toContain('INC-1 is run by commander, notified');
    await h.press(await buttonIn(h.chat, 'ops', 'Resolve'), { as: 'carol', in: 'ops' });
    expect(h.privately('carol').at(-1)).toContain('You cannot do this');
    expect(await refusedRows('carol')).toEqual(['incident ack', 'incident resolve (button)']);
    const state = await h.db.query<{ state: string }>('SELECT state FROM incidents WHERE id = 1');
    expect(state.rows[0]?.state).toBe('open');
    await h.say('incident ack', { as: 'dave', in: 'ops' });
    expect(
      (await h.db.query<{ state: string }>('SELECT state FROM incidents WHERE id = 1')).rows[0]?.state,
    ).toBe('acknowledged');
  });

  it('refuses users of another team unless listed in otherTeams', async () => {
    const declare = (caller: string) =>
      h.app.router.handleText({
        text: 'incident p3 Typo on login page',
        caller,
        channel: 'web',
        foreignTeam: 'T999OTHER',
      });
    const refused = await declare('bob');
    expect(JSON.stringify(refused)).toContain('another team');
    expect(await incidents()).toBe(1);
    await declare('dave');
    expect(await incidents()).toBe(2);
  });
});

describe('the incidents section of the policy file', () => {
  it('may be left out: everyone declares; commander, notified and group sre act', async () => {
    const policy = await policyWith((yaml) => yaml.replace(/^incidents:\n( {2}.*\n)+/m, ''));
    expect(incidentRights(policy.incidents, policy.groups)).toEqual({
      declare: ['*'],
      act: ['commander', 'notified', 'group:sre'],
      otherTeams: [],
    });
  });

  it('names an unknown person or a bad otherTeams entry with the file', async () => {
    const text = async (section: string) => (await policyWith((yaml) => yaml)) && parsePolicyText(section);
    expect(await text('incidents:\n  act: [zed]\n')).toContain(
      'incidents.act: unknown person or group "zed"',
    );
    expect(await text('incidents:\n  otherTeams: ["not an id"]\n')).toContain('incidents.otherTeams');
    expect(await text('incidents:\n  actt: [bob]\n')).toContain('incidents');
  });
});

async function parsePolicyText(section: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const { DEFAULT_POLICY_FILE } = await import('../support/test-app.js');
  const yaml = (await readFile(DEFAULT_POLICY_FILE, 'utf8')).replace(/^incidents:\n( {2}.*\n)+/m, section);
  const result = parsePolicy(yaml, 'policy.yaml');
  return result.ok ? 'ok' : result.message;
}

describe('a declaration repeated within 2 minutes', () => {
  it('asks "INC-n is already open — declare another?" instead of opening a second one; the button does', async () => {
    const before = await incidents();
    await h.say('incident p2 Checkout errors', { as: 'bob', in: 'shop' });
    await h.say('incident p2 checkout  ERRORS', { as: 'carol', in: 'shop' });
    expect(await incidents()).toBe((before ?? 0) + 1);
    const question = h.privately('carol').at(-1) ?? '';
    expect(question).toMatch(/INC-\d+ is already open — declare another\?/);
    // The same title in another channel is another incident.
    await h.say('incident p2 Checkout errors', { as: 'bob', in: 'shop-eu' });
    expect(await incidents()).toBe((before ?? 0) + 2);
    // "Declare another" carries only a stored id; pressing it opens the second one (P2s live in their channel,
    // and #shop already has one: the answer says so — so press it for a P1, which gets its own war room).
    await h.say('incident p1 Checkout down', { as: 'bob', in: 'shop' });
    await h.say('incident p1 Checkout down', { as: 'bob', in: 'shop' });
    const asked = h.chat.calls.filter((c) => c.op === 'private' && c.user === 'bob').at(-1);
    if (asked?.op !== 'private') throw new Error('no question to bob');
    const button = asked.message.blocks.flatMap((b) => (b.kind === 'actions' ? b.buttons : []))[0];
    expect(button?.label).toBe('Declare another');
    expect(await incidents()).toBe((before ?? 0) + 3);
    await h.press(button?.actionId ?? '', { as: 'bob', in: 'shop' });
    expect(await incidents()).toBe((before ?? 0) + 4);
  });
});
