// Every command of the catalog, typed in Slack: each signed /oatie gets HTTP 200 within Slack's 3
// seconds, and an answer (a post, a private message, a modal or a response_url answer) reaches Slack,
// never "not available yet". Targets are not configured here: "not configured" is an answer too.
import { commandNames, type CommandName } from '../../../src/commands/catalog.js';
import { parseCommand } from '../../../src/commands/parse.js';
import { textOf, type FakeSlack, type SlackCall } from '../../support/fake-slack.js';
import { startSlackStory, type SlackStory } from '../../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../../support/slack-signing.js';

const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
const JWT = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'alice', exp: 1 })}.c2lnbmF0dXJl`;

/** One valid example of each command (the type makes the compiler ask for every name too). */
const EXAMPLES: Record<CommandName, string> = {
  help: 'help db',
  'incident declare': 'incident p3 Dashboard colours wrong',
  'incident ack': 'incident ack',
  'incident update': 'incident update monitoring Replica restarted',
  'incident severity': 'incident severity p2',
  'incident resolve': 'incident resolve Disk full on the replica',
  'incident list': 'incident list',
  'incident timeline': 'incident timeline',
  'incident review': 'incident review INC-1 --draft',
  'incident stats': 'incident stats --since 7d --severity p3',
  oncall: 'oncall',
  'auth token': `auth token ${JWT}`,
  'auth user': 'auth user jane@oatie.ai reports:create',
  'auth set-role': 'auth set-role jane@oatie.ai analyst',
  'auth clear-cache': 'auth clear-cache jane@oatie.ai',
  'auth grant': 'auth grant jane@oatie.ai reports:create',
  'auth revoke': 'auth revoke jane@oatie.ai reports:create',
  'reports status': 'reports status 123e4567-e89b-42d3-a456-426614174000',
  'reports stuck': 'reports stuck',
  health: 'health',
  'health oracle-bi': 'health oracle-bi',
  audit: 'audit --since 1h',
  'db connections': 'db connections --idle-for 5m',
  'db long-running': 'db long-running --older-than 5m',
  'db slow-queries': 'db slow-queries --min-ms 500',
  'db explain': 'db explain 4242',
  'db indexes': 'db indexes',
  'db bloat': 'db bloat',
  'db blocking': 'db blocking',
  'db terminate': 'db terminate 4242',
  'db terminate-long': 'db terminate-long --older-than 10m',
  'db terminate-idle': 'db terminate-idle --older-than 15m',
  'db vacuum': 'db vacuum reports',
  'db analyze': 'db analyze reports',
  'db create-index': 'db create-index reports organisation_id,status',
  'db drop-index': 'db drop-index idx_reports_status',
  'db reindex': 'db reindex reports',
  'k8s pods': 'k8s pods --app report-service',
  'k8s top': 'k8s top pods',
  'k8s logs': 'k8s logs report-service --since 1h --grep error',
  'k8s describe': 'k8s describe report-service-7d9f-abcde',
  'k8s netpol': 'k8s netpol',
  'k8s dns': 'k8s dns',
  'k8s restart': 'k8s restart report-service',
  'k8s set-memory': 'k8s set-memory report-service 2Gi',
  triage: 'triage db-pool',
  'logs errors': 'logs errors --since 1h --app report-service',
};

let story: SlackStory;
let fake: FakeSlack;

beforeAll(async () => {
  story = await startSlackStory();
  fake = story.fake;
});

afterAll(() => story.stop());

/**
 * Where the i-th command is typed and how its answers are told apart: its own channel, trigger and
 * response_url. The caller is the policy's on-call engineer, so fixes get as far as their target.
 */
const placeOf = (i: number) => ({
  channel: `C0EVERY${i}`,
  user: 'U0ONCALL01',
  trigger: `trig.every.${i}`,
  responseId: '',
});

function answersTo(place: ReturnType<typeof placeOf>): string[] {
  const mine = (c: SlackCall) =>
    ((c.method === 'chat.postMessage' || c.method === 'chat.postEphemeral') &&
      c.params.channel === place.channel) ||
    (c.method === 'views.open' && c.params.trigger_id === place.trigger);
  const calls = fake.calls.filter(mine).map((c) => (c.method === 'views.open' ? 'a modal' : textOf(c)));
  const responses = fake.responses
    .filter((r) => r.id === place.responseId)
    .map((r) => JSON.stringify(r.body));
  return [...calls, ...responses];
}

describe('every command of the catalog in Slack', () => {
  it('has one valid example per command name', () => {
    expect(Object.keys(EXAMPLES).sort()).toEqual([...commandNames].sort());
    for (const [name, text] of Object.entries(EXAMPLES)) {
      const parsed = parseCommand(text);
      expect(parsed.ok && parsed.command.name).toBe(name);
    }
  });

  // How fast the acks are is the bench's (npm run bench ack); that an ack never waits for the work is
  // test/http/front-door.test.ts's. Here: every command is taken, and every one is answered.
  it('acks each, and each answer reaches Slack (none "not available yet")', async () => {
    const places = commandNames.map((_, i) => placeOf(i));
    for (const [i, name] of commandNames.entries()) {
      const place = places[i]!;
      const responseUrl = fake.responseUrl();
      place.responseId = responseUrl.split('/').at(-1) ?? '';
      const body = slashCommandBody({
        text: EXAMPLES[name],
        user_id: place.user,
        channel_id: place.channel,
        trigger_id: place.trigger,
        response_url: responseUrl,
      });
      const ack = await postSigned(story.slack.eventsUrl, body);
      expect({ name, status: ack.status }).toEqual({ name, status: 200 });
    }
    const deadline = Date.now() + 10_000;
    let silent = commandNames.filter((_, i) => answersTo(places[i]!).length === 0);
    while (silent.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      silent = commandNames.filter((_, i) => answersTo(places[i]!).length === 0);
    }
    expect(silent).toEqual([]);
    const unavailable = commandNames.filter((_, i) =>
      answersTo(places[i]!).some((a) => a.includes('not available yet')),
    );
    expect(unavailable).toEqual([]);
  });
});
