// Hostile arguments to every fix — quotes, semicolons, comments, Unicode look-alikes, absurd limits,
// system pids, names off the allowlist — are refused before any plan is shown: a reason comes back to
// the caller, no card is posted, no request is stored, nothing reaches Kubernetes or Redis.
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { catalog, commandNames } from '../../src/commands/catalog.js';
import { FakeKube } from '../support/fake-kube.js';
import { repliesText, startFixStory, type FixHarness, type FixStory } from '../support/fix-harness.js';
import { deployment } from '../support/kube-fixtures.js';

let kube: FakeKube;
let story: FixStory;
let bot: FixHarness;
let checkpointer = 0;

beforeAll(async () => {
  kube = await FakeKube.start({
    deployments: [deployment({ name: 'report-service', limits: { memory: '1Gi' } })],
  });
  story = await startFixStory({
    oatie: 'injection',
    env: kube.env({
      OATIE_REDIS_URL: 'redis://127.0.0.1:6379',
      OATIE_REDIS_PREFIX: `oatie-test-${randomBytes(4).toString('hex')}:`,
    }),
  });
  ({ bot } = story);
  await story.oatie.sql("INSERT INTO organizations (name) VALUES ('Acme')");
  const [row] = await story.oatie.sql<{ pid: number }>(
    "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'",
  );
  checkpointer = row?.pid ?? 0;
});

afterAll(async () => {
  await story.close();
  await kube.stop();
});

/** Types `text`; asserts nothing was planned, stored, posted or sent; returns what the caller read. */
async function refusedWithNothingSent(text: string): Promise<string> {
  const before = bot.chat.calls.length;
  kube.requests.length = 0;
  const answer = repliesText(await bot.type(text, 'alice'));
  expect({ text, posted: bot.chat.calls.slice(before).filter((c) => c.op === 'post').length }).toEqual({
    text,
    posted: 0,
  });
  expect(kube.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  expect(await bot.approvals()).toEqual([]);
  return answer;
}

const CASES: Array<[string, string]> = [
  ["db terminate '1; SELECT pg_terminate_backend(pid) FROM pg_stat_activity'", 'expected a process id'],
  ['db terminate 1--', 'expected a process id'],
  ['db terminate 0x1F', 'expected a process id'],
  ['db terminate 99999999999', 'expected a process id'],
  ['db terminate-long --older-than "10m; DROP TABLE users"', 'expected a duration'],
  ['db terminate-long --older-than 30s', 'expected a duration'],
  ['db vacuum "users; DROP TABLE users"', 'expected a table or index name'],
  ['db vacuum users/*', 'expected a table or index name'],
  ['db vacuum "users\\""', 'expected a table or index name'],
  ['db vacuum uѕers', 'expected a table or index name'], // Cyrillic ѕ
  ['db analyze rеports', 'expected a table or index name'], // Cyrillic е
  ['db analyze public.reports.id', 'expected a table or index name'],
  ['db reindex "reports" CASCADE', 'takes at most 1 argument'],
  ['db create-index reports "id); DROP TABLE users; --"', 'expected column names separated by commas'],
  ['db create-index reports stаtus', 'expected column names'], // Cyrillic а
  ['db create-index reports id,id', 'expected each column once'],
  ['db create-index "reports (id)" id', 'expected a table or index name'],
  ['db drop-index "users_pkey; DROP TABLE users"', 'expected a table or index name'],
  ['db drop-index idx_аudit_logs_action', 'expected a table or index name'], // Cyrillic а
  ["auth set-role \"x@y.com' OR '1'='1\" admin", 'expected an email address'],
  ['auth set-role jane@acme.com "admin; DROP TABLE users"', 'expected a role name'],
  ['auth set-role jane@acme.com аdmin', 'expected a role name'], // Cyrillic а
  ['auth set-role jane@acme.com superuser', 'superuser is not a role of the platform'],
  ['auth clear-cache "*"', 'expected an email address or a user UUID'],
  ['auth clear-cache "permissions:* FLUSHALL"', 'expected an email address or a user UUID'],
  ['auth clear-cache 0b6f1c9e-4a7d-4c1e-9f3a-2d5e8b7c6a1', 'expected an email address or a user UUID'],
  ['k8s restart report-service;kubectl', 'expected a Kubernetes name'],
  ['k8s restart rероrt-service', 'expected a Kubernetes name'], // Cyrillic р, е, о
  ['k8s restart billing', 'not on the allowlist'],
  ['k8s restart kube-proxy', 'not on the allowlist'],
  ['k8s set-memory report-service 999Ti', 'expected a memory limit such as 512Mi or 2Gi'],
  ['k8s set-memory report-service 999Gi', 'at most 4Gi'],
  ['k8s set-memory report-service 1e12', 'expected a memory limit'],
  ['k8s set-memory report-service "2Gi,cpu: 64"', 'expected a memory limit'],
  ['k8s set-memory report-service -1Gi', 'expected a memory limit'],
];

describe('hostile fix arguments', () => {
  it.each(CASES)('%s is refused with a reason and nothing sent', async (text, reason) => {
    expect(await refusedWithNothingSent(text)).toContain(reason);
  });

  it('the pid of a system process is refused with a reason and nothing sent', async () => {
    expect(await refusedWithNothingSent(`db terminate ${checkpointer}`)).toContain(
      'a Postgres system process',
    );
  });

  it('random hostile words in every argument of every fix never plan anything', async () => {
    const fixNames = commandNames.filter((n) => catalog[n].kind === 'fix');
    const hostile = fc.oneof(
      fc.constantFrom(
        "'",
        '"x"y',
        ';',
        '--',
        '/*',
        '$1',
        'а',
        'ѕ',
        // Not here: invisible and bidi characters (U+200B, U+202E). Chat text is cleaned of them before it
        // is parsed (src/chat/text-hygiene.ts), so `report-service` plus one of them is `report-service`.
        '%I',
        "E'\\x41'",
        '999Ti',
        '\\',
        '`id`',
      ),
      // Random text with at least one character no identifier, email, role, duration or quantity allows.
      fc.string({ minLength: 1, maxLength: 6 }).filter((t) => /[^A-Za-z0-9_.,@-]/.test(t)),
    );
    // A hostile fragment glued to a plausible value: the value alone would be valid.
    const plausible = fc.constantFrom(
      'reports',
      'id',
      '5m',
      '12',
      'report-service',
      'jane@acme.com',
      'admin',
      '2Gi',
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fixNames), plausible, hostile, async (name, value, bad) => {
        const spec = catalog[name];
        const argument = `"${value}${bad}"`;
        const words =
          spec.positional.length > 0 ? spec.positional.map(() => argument) : ['--older-than', argument];
        const answer = await refusedWithNothingSent(`${spec.words.join(' ')} ${words.join(' ')}`);
        expect(answer.length).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });
});
