// The local Redis the tests share (TEST_REDIS_URL), and a raw client for one test file whose keys all
// live under a prefix of its own, so files never see each other's keys and clean up only theirs.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export class TestRedis {
  /** Unique to this client, e.g. `oatie-test:1a2b3c4d:`; give it to the bot as OATIE_REDIS_PREFIX. */
  readonly prefix = `oatie-test:${randomBytes(4).toString('hex')}:`;
  /** Not prefixed: tests write whole keys, `${prefix}permissions:…`, as the platform would. */
  readonly raw = new Redis(REDIS_URL, { lazyConnect: true });

  async connect(): Promise<void> {
    await this.raw.connect();
  }

  /** Deletes every key under the prefix and disconnects. */
  async close(): Promise<void> {
    const keys = await this.raw.keys(`${this.prefix}*`);
    if (keys.length > 0) await this.raw.del(...keys);
    await this.raw.quit();
  }
}
