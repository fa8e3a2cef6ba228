// Builds the clients of the configured targets (adapters); unconfigured targets stay absent.
import type { Config } from '../config/env.js';
import type { Logger } from '../core/logger.js';
import { openPostgresTarget } from './postgres.js';
import { openRedisTarget } from './redis.js';
import { buildRemoteTargets } from './build-remote-targets.js';
import { statusPageFromConfig } from './statuspage.js';
import type { Targets } from './targets.js';

export function buildTargets(config: Config, log: Logger): Targets {
  const timeoutMs = config.OATIE_TARGET_TIMEOUT_MS;
  const postgres =
    config.OATIE_DATABASE_URL === undefined
      ? undefined
      : openPostgresTarget(config.OATIE_DATABASE_URL, { timeoutMs, log: log.child({ target: 'postgres' }) });
  const redis =
    config.OATIE_REDIS_URL === undefined
      ? undefined
      : openRedisTarget(config.OATIE_REDIS_URL, {
          timeoutMs,
          keyPrefix: config.OATIE_REDIS_PREFIX,
          log: log.child({ target: 'redis' }),
        });
  // Every client that holds a connection, closed together at shutdown.
  const closers: Array<() => Promise<void>> = [];
  if (postgres) closers.push(() => postgres.close());
  if (redis) closers.push(() => redis.close());
  return {
    postgres,
    redis,
    ...buildRemoteTargets(config),
    statusPage: statusPageFromConfig(config),
    close: async () => {
      await Promise.allSettled(closers.map((close) => close()));
    },
  };
}
