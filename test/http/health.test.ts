// /health in the guide's shape, /livez and /readyz, served by the bot over HTTP: a platform target
// that is down makes it `degraded` (200, so Kubernetes never restarts the bot when it is most
// needed); only its own store being unreachable answers 503. Polling it is cheap: concurrent calls
// share one round and target checks are cached.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Db } from '../../src/store/db.js';
import { FAKE_API_TOKEN, FakeOatieApi } from '../support/fake-oatie-api.js';
import { FakeSlack } from '../support/fake-slack.js';
import { closedPort } from '../support/http-fake.js';
import {
  canStartPrivatePostgres,
  startPrivatePostgres,
  type PrivatePostgres,
} from '../support/private-postgres.js';
import { startSlackBot, type RunningSlackBot } from '../support/slack-bot.js';
import { openTestDb } from '../support/test-app.js';
import { REDIS_URL } from '../support/test-redis.js';

interface Report {
  status: string;
  timestamp: string;
  checks: Record<string, { status: string; latencyMs?: number; reason?: string }>;
}

const describeWithPostgres = canStartPrivatePostgres() ? describe : describe.skip;

describeWithPostgres('the bot’s health endpoints', () => {
  let store: PrivatePostgres;
  let db: Db;
  let fake: FakeSlack;
  let api: FakeOatieApi;
  let bot: RunningSlackBot;

  const get = async (path: string) => {
    const res = await fetch(`${bot.baseUrl}${path}`);
    return { status: res.status, body: (await res.json()) as Report & { status: string } };
  };

  beforeAll(async () => {
    store = await startPrivatePostgres({});
    db = await openTestDb(store.url);
    fake = await FakeSlack.start();
    api = await FakeOatieApi.start();
    bot = await startSlackBot({
      fake,
      db,
      targets: true,
      env: {
        // The platform's Postgres is down (nothing listens there); the password must never show.
        OATIE_DATABASE_URL: `postgres://diag:pl4tf0rm-secret@127.0.0.1:${await closedPort()}/oatie`,
        OATIE_REDIS_URL: REDIS_URL,
        OATIE_API_URL: api.url,
        OATIE_API_TOKEN: FAKE_API_TOKEN,
        OATIE_TARGET_TIMEOUT_MS: '5000', // room for a loaded machine; the closed port is refused at once
      },
    });
  }, 60_000);

  afterAll(async () => {
    await bot.stop();
    await Promise.allSettled([db.close(), fake.stop(), api.stop()]);
    await store.stop();
  });

  it('says degraded with 200 when a platform target is down, with the reason and no secret', async () => {
    const { status, body } = await get('/health');
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(new Date(body.timestamp).toISOString()).toBe(body.timestamp);
    expect(Object.keys(body.checks).sort()).toEqual(
      ['backlog', 'database', 'disk_space', 'memory', 'oatie_api', 'oracle_bi', 'redis', 'store'].sort(),
    );
    expect(body.checks.store).toEqual({ status: 'ok', latencyMs: expect.any(Number) });
    expect(body.checks.redis).toEqual({ status: 'ok', latencyMs: expect.any(Number) });
    expect(body.checks.oatie_api?.status).toBe('ok');
    expect(body.checks.database?.status).toBe('down');
    expect(body.checks.database?.reason).toMatch(/refused|cannot connect|reach/i);
    expect(body.checks.backlog?.status).toBe('ok');
    expect(body.checks.memory?.status).toBe('ok');
    expect(JSON.stringify(body)).not.toContain('pl4tf0rm-secret');
  });

  it('is cheap to poll: target checks are cached, the platform is not asked again', async () => {
    const before = api.requestsTo('/health').length;
    const answers = await Promise.all(Array.from({ length: 8 }, () => get('/health')));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    // The first test's round is still fresh: the API was not asked again.
    expect(api.requestsTo('/health').length - before).toBe(0);
  });

  it('answers /livez and /readyz while the store answers', async () => {
    expect(await get('/livez')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
  });

  it('answers 503 on /health and /readyz once its own store is unreachable, while /livez stays 200', async () => {
    await store.stop();
    const health = await get('/health');
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('unhealthy');
    expect(health.body.checks.store?.status).toBe('down');
    expect(health.body.checks.store?.reason).toBeDefined();
    expect((await get('/readyz')).status).toBe(503);
    expect((await get('/livez')).status).toBe(200);
  }, 20_000);
});
