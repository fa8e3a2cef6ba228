// The Redis target: the key prefix applied to every key, timeouts, a readable "refused" and "auth
// failed", and no reconnect loop standing between a call and its answer — the next call simply
// connects again.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { silentLogger } from '../../src/core/logger.js';
import { openRedisTarget, type RedisTarget } from '../../src/targets/redis.js';
import { failure } from '../support/call-failure.js';
import { closedPort } from '../support/http-fake.js';
import { blackhole, redisRequiringPassword, tcpProxy } from '../support/tcp.js';
import { REDIS_URL, TestRedis } from '../support/test-redis.js';

const REDIS_PORT = Number(new URL(REDIS_URL).port || 6379);
const redis = new TestRedis();
const { raw, prefix } = redis;
const opened: RedisTarget[] = [];

function open(url: string, timeoutMs = 1000): RedisTarget {
  const target = openRedisTarget(url, { timeoutMs, keyPrefix: prefix, log: silentLogger });
  opened.push(target);
  return target;
}

beforeAll(() => redis.connect());

afterAll(async () => {
  await Promise.all(opened.map((t) => t.close()));
  await redis.close();
});

describe('Redis target', () => {
  test('reads, times and deletes keys under OATIE_REDIS_PREFIX', async () => {
    const cache = open(REDIS_URL);
    await raw.set(`${prefix}permissions:u1`, '["reports:read"]', 'EX', 600);
    expect(await cache.get('permissions:u1')).toBe('["reports:read"]');
    expect(await cache.ttl('permissions:u1')).toBeGreaterThan(590);
    expect(await cache.ttl('permissions:nobody')).toBe(-2);
    expect(await cache.del('permissions:u1', 'permissions:nobody')).toBe(1);
    expect(await raw.exists(`${prefix}permissions:u1`)).toBe(0);
    expect(await cache.ping()).toBeGreaterThanOrEqual(0);
    expect(cache.description).toBe('127.0.0.1:6379/0');
  });

  test('nothing listening: refused at once, without the password; the next call connects when the server is back', async () => {
    const port = await closedPort();
    const withPassword = open(`redis://:hunter2-secret@127.0.0.1:${port}`);
    const refused = await failure(() => withPassword.get('permissions:u1'));
    expect(refused.message).not.toContain('hunter2');

    const cache = open(`redis://127.0.0.1:${port}`);
    const error = await failure(() => cache.get('permissions:u1'));
    expect(error).toMatchObject({
      code: 'TARGET_DOWN',
      message: `The Oatie Redis at 127.0.0.1:${port}/0 refused the connection (nothing listens on that port).`,
    });
    // The bounded retries are over by now; then a server appears on that port (a proxy to the real one).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const back = await tcpProxy(port, REDIS_PORT);
    try {
      await raw.set(`${prefix}permissions:u2`, 'cached');
      expect(await cache.get('permissions:u2')).toBe('cached');
    } finally {
      await cache.close();
      await back.close();
    }
  });

  test('a server that accepts and never answers: timed out within the timeout', async () => {
    const silent = await blackhole();
    try {
      const cache = open(`redis://127.0.0.1:${silent.port}`);
      const error = await failure(() => cache.get('permissions:u1'));
      expect(error.code).toBe('TIMEOUT');
      expect(error.message).toBe(
        `The Oatie Redis at 127.0.0.1:${silent.port}/0 did not answer within 1000 ms.`,
      );
    } finally {
      await silent.close();
    }
  });

  test('a login the real Redis rejects (WRONGPASS): auth failed at once, without the password', async () => {
    // The local Redis has no password: its `default` user takes any password (ioredis even ignores
    // the error a password-only URL gets), but a user that does not exist is rejected.
    const cache = open(`redis://oatie-nobody:hunter2-secret@127.0.0.1:${REDIS_PORT}`);
    const error = await failure(() => cache.get('permissions:u1'));
    expect(error).toEqual({
      code: 'TARGET_DOWN',
      message: `The Oatie Redis at 127.0.0.1:${REDIS_PORT}/0 rejected the login: auth failed (check the password of OATIE_REDIS_URL).`,
      ms: expect.any(Number),
    });
  });

  test('a Redis that requires a password: a wrong one and a missing one both answer auth failed at once', async () => {
    const locked = await redisRequiringPassword();
    try {
      const wrong = await failure(() =>
        open(`redis://:hunter2-secret@127.0.0.1:${locked.port}`).get('permissions:u1'),
      );
      expect(wrong.code).toBe('TARGET_DOWN');
      expect(wrong.message).toBe(
        `The Oatie Redis at 127.0.0.1:${locked.port}/0 rejected the login: auth failed (check the password of OATIE_REDIS_URL).`,
      );
      // The password went to the server, as AUTH or HELLO … AUTH, and the GET never did.
      expect(locked.commands.flat()).toContain('hunter2-secret');
      expect(locked.commands.map((c) => c[0]?.toUpperCase())).not.toContain('GET');

      const missing = await failure(() => open(`redis://127.0.0.1:${locked.port}`).get('permissions:u1'));
      expect(missing).toMatchObject({ code: 'TARGET_DOWN', message: wrong.message });
    } finally {
      await locked.close();
    }
  });
});
