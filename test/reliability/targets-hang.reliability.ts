// Targets that hang or refuse while the bot runs (a real bot process in Slack mode): the platform's
// Postgres and Redis behind proxies that are switched to hang (open connections freeze, new ones are
// accepted and never answered) or to refuse (nothing listens), and the Kubernetes fake made to hang.
// Each command on the bad target answers within its timeout with a clear "did not answer" or
// "refused" message, and commands run meanwhile on the other targets, the store and the bot itself
// answer normally while the hanging one still waits. Each target comes back and works again.
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { FakeKube } from '../support/fake-kube.js';
import { FakeSlack } from '../support/fake-slack.js';
import { deployment, pod } from '../support/kube-fixtures.js';
import { createOatieDatabase, type OatieDatabase } from '../support/oatie-database.js';
import { ask, startSlackProcess, type AskedCommand, type SlackProcess } from '../support/slack-process.js';
import { switchableProxy, type SwitchableEndpoint } from '../support/tcp.js';
import { TestRedis } from '../support/test-redis.js';

/** OATIE_TARGET_TIMEOUT_MS: long enough that the other commands are answered well inside it. */
const TIMEOUT_MS = 8000;
const ALICE = 'U0ONCALL01';
const PG_PORT = Number(new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://127.0.0.1:5432').port || 5432);
const REDIS_PORT = Number(new URL(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);

describe('a target that hangs or refuses', () => {
  let store: TestDatabase;
  let platform: OatieDatabase;
  let redis: TestRedis;
  let pgProxy: SwitchableEndpoint;
  let redisProxy: SwitchableEndpoint;
  let kube: FakeKube;
  let fake: FakeSlack;
  let bot: SlackProcess;
  /** How long each bad command took to answer, for the report. */
  const took: Record<string, number> = {};

  beforeAll(async () => {
    [store, platform] = await Promise.all([
      createTestDatabase('rel_hang_store'),
      createOatieDatabase('rel_hang_platform'),
    ]);
    redis = new TestRedis();
    await redis.connect();
    [pgProxy, redisProxy, fake] = await Promise.all([
      switchableProxy(PG_PORT),
      switchableProxy(REDIS_PORT),
      FakeSlack.start(),
    ]);
    kube = await FakeKube.start({
      deployments: [deployment({ name: 'report-service', replicas: 1 })],
      pods: [pod({ name: 'report-service-1', app: 'report-service', deployment: 'report-service' })],
    });
    bot = await startSlackProcess(fake, {
      ...kube.env(),
      DATABASE_URL: store.url,
      OATIE_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgProxy.port}/${platform.name}`,
      OATIE_REDIS_URL: `redis://127.0.0.1:${redisProxy.port}`,
      OATIE_REDIS_PREFIX: redis.prefix,
      OATIE_TARGET_TIMEOUT_MS: String(TIMEOUT_MS),
    });
  });

  afterAll(async () => {
    const run = await bot?.stop();
    await Promise.allSettled([fake?.stop(), kube?.stop(), pgProxy?.close(), redisProxy?.close()]);
    await redis?.close();
    await Promise.allSettled([store?.drop(), platform?.drop()]);
    process.stdout.write(`targets-hang: answers of the bad targets (ms) ${JSON.stringify(took)}\n`);
    if (run?.code !== 0) process.stdout.write(`targets-hang: the bot's standard error:\n${run?.stderr}\n`);
    expect(run?.code).toBe(0);
  });

  const command = (text: string, as?: string) => ask(fake, bot, text, as);

  /** What healthy commands answer: a check of each target that is not the bad one, and the bot itself. */
  const healthy = {
    postgres: { text: 'db connections', says: 'connections' },
    redis: { text: `auth clear-cache ${randomUUID()}`, as: ALICE, says: 'Approve' },
    kube: { text: 'k8s pods', says: 'report-service-1' },
    bot: { text: 'help', says: 'incident' },
    store: { text: 'incident list', says: 'incident' },
  } as const;
  type Part = keyof typeof healthy;

  /**
   * Sends `bad` (two of them, concurrently), then the healthy commands of every part but `badPart`;
   * each healthy one answers normally while the bad ones still wait (or, for a refusal, whatever the
   * order). Then each bad one answers `expected`.
   */
  async function whileBad(
    badPart: Part,
    bad: readonly string[],
    expected: string,
    label: string,
    hangs: boolean,
  ): Promise<void> {
    const started = performance.now();
    const waiting: AskedCommand[] = await Promise.all(bad.map((text) => command(text, ALICE)));
    for (const asked of waiting) expect(asked.ack.status).toBe(200);
    const others = Object.entries(healthy).filter(([part]) => part !== badPart);
    const answered = await Promise.all(
      others.map(async ([part, h]) => {
        const asked = await command(h.text, 'as' in h ? h.as : undefined);
        expect(asked.ack.status).toBe(200);
        const text = await asked.answer();
        // Answered while every bad command still waits (a refusal answers at once: no order then).
        const stillWaiting = hangs ? waiting.every((w) => !w.answered()) : true;
        return { part, answeredNormally: text.includes(h.says) || text.slice(0, 400), stillWaiting };
      }),
    );
    expect(answered).toEqual(others.map(([part]) => ({ part, answeredNormally: true, stillWaiting: true })));
    // The bot itself is alive meanwhile.
    expect((await fetch(`${bot.baseUrl}/livez`)).status).toBe(200);
    for (const asked of waiting) {
      expect(await asked.answer(TIMEOUT_MS * 4)).toContain(expected);
    }
    took[label] = Math.round(performance.now() - started);
  }

  /** The target works again once it is back. */
  async function worksAgain(part: Part): Promise<void> {
    const h = healthy[part];
    // The first call after a cut may meet a stale connection: ask until one answers normally.
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const asked = await command(h.text, 'as' in h ? h.as : undefined);
      if ((await asked.answer(TIMEOUT_MS * 4)).includes(h.says)) return;
    }
    throw new Error(`${part} did not work again`);
  }

  it('the healthy commands answer before the test starts', async () => {
    for (const part of Object.keys(healthy) as Part[]) await worksAgain(part);
  });

  /** A target going bad: how, what is asked of it, and what those commands must answer. */
  interface Bad {
    part: Part;
    commands: () => string[];
    says: () => string;
    hangs: boolean;
    go(): Promise<void> | void;
    back(): Promise<void> | void;
  }
  const database = () => `The Oatie database at 127.0.0.1:${pgProxy.port}/${platform.name}`;
  const cache = () => `The Oatie Redis at 127.0.0.1:${redisProxy.port}/0`;
  const refused = 'refused the connection (nothing listens on that port).';
  const clearCaches = () => [`auth clear-cache ${randomUUID()}`, `auth clear-cache ${randomUUID()}`];
  const bad: Record<string, Bad> = {
    'platform Postgres that hangs': {
      part: 'postgres',
      commands: () => ['db connections', 'db long-running'],
      says: () => `${database()} did not answer within 8 s.`,
      hangs: true,
      go: () => pgProxy.set('hang'),
      back: () => pgProxy.set('forward'),
    },
    'platform Postgres that refuses': {
      part: 'postgres',
      commands: () => ['db connections', 'db blocking'],
      says: () => `${database()} ${refused}`,
      hangs: false,
      go: () => pgProxy.set('refuse'),
      back: () => pgProxy.set('forward'),
    },
    'Redis that hangs': {
      part: 'redis',
      commands: clearCaches,
      says: () => `${cache()} did not answer within ${TIMEOUT_MS} ms.`,
      hangs: true,
      go: () => redisProxy.set('hang'),
      back: () => redisProxy.set('forward'),
    },
    'Redis that refuses': {
      part: 'redis',
      commands: clearCaches,
      says: () => `${cache()} ${refused}`,
      hangs: false,
      go: () => redisProxy.set('refuse'),
      back: () => redisProxy.set('forward'),
    },
    'the Kubernetes API that hangs': {
      part: 'kube',
      commands: () => ['k8s pods', 'k8s top pods'],
      says: () => `The Kubernetes API at 127.0.0.1:${new URL(kube.url).port} did not answer within 8 s.`,
      hangs: true,
      go: () => {
        kube.hang = true;
      },
      back: () => {
        kube.hang = false;
      },
    },
  };

  it.each(Object.keys(bad))(
    '%s: a plain answer once its timeout is up, the rest unaffected meanwhile, then back',
    async (name) => {
      const b = bad[name];
      if (!b) throw new Error(name);
      await b.go();
      try {
        await whileBad(b.part, b.commands(), b.says(), name, b.hangs);
      } finally {
        await b.back();
      }
      await worksAgain(b.part);
    },
  );

  it('nothing crashed and nothing was left unhandled', () => {
    expect(bot.bot.child.exitCode).toBeNull();
    expect(bot.bot.stderr()).not.toMatch(/UnhandledPromiseRejection|unhandledRejection|uncaughtException/);
  });
});
