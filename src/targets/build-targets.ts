// Builds the clients of the configured targets (adapters); a target whose variables are not set stays
// absent. Each adapter is imported only when its target is configured: @kubernetes/client-node alone
// is ~80 MB of memory, ioredis and pg a few more.
import type { Config } from '../config/env.js';
import type { Logger } from '../core/logger.js';
import { openElasticsearch } from './elasticsearch.js';
import { openOatieApi } from './oatie-api.js';
import { openOracleBi } from './oracle-bi.js';
import { statusPageFromConfig } from './statuspage.js';
import type { PostgresTarget } from './postgres.js';
import type { RedisTarget } from './redis.js';
import { openPagerDuty, PAGERDUTY_EVENTS_URL } from './pagerduty.js';
import { openNameResolver } from './dns-resolver.js';
import { openPagerDutySchedules, PAGERDUTY_API_URL } from './pagerduty-schedules.js';
import type { Targets } from './targets.js';

async function postgresTarget(config: Config, log: Logger): Promise<PostgresTarget | undefined> {
  if (config.OATIE_DATABASE_URL === undefined) return undefined;
  const { openPostgresTarget } = await import('./postgres.js');
  return openPostgresTarget(config.OATIE_DATABASE_URL, {
    timeoutMs: config.OATIE_TARGET_TIMEOUT_MS,
    log: log.child({ target: 'postgres' }),
    platformSchema: config.OATIE_PLATFORM_SCHEMA,
  });
}

async function redisTarget(config: Config, log: Logger): Promise<RedisTarget | undefined> {
  if (config.OATIE_REDIS_URL === undefined) return undefined;
  const { openRedisTarget } = await import('./redis.js');
  return openRedisTarget(config.OATIE_REDIS_URL, {
    timeoutMs: config.OATIE_TARGET_TIMEOUT_MS,
    keyPrefix: config.OATIE_REDIS_PREFIX,
    log: log.child({ target: 'redis' }),
  });
}

async function kubeTarget(config: Config): Promise<Targets['kube']> {
  if (!config.OATIE_KUBE_IN_CLUSTER && config.KUBECONFIG === undefined) return undefined;
  const { openKubeTarget } = await import('./kube.js');
  // A kubeconfig that cannot be read stops the start-up with its reason (see loadKubeConfig).
  return openKubeTarget({
    inCluster: config.OATIE_KUBE_IN_CLUSTER,
    kubeconfig: config.KUBECONFIG,
    namespace: config.OATIE_NAMESPACE,
    timeoutMs: config.OATIE_TARGET_TIMEOUT_MS,
  });
}

export async function buildTargets(config: Config, log: Logger): Promise<Targets> {
  const timeoutMs = config.OATIE_TARGET_TIMEOUT_MS;
  const postgres = await postgresTarget(config, log);
  const redis = await redisTarget(config, log).catch(async (error: unknown) => {
    await postgres?.close();
    throw error;
  });
  let kube: Targets['kube'];
  try {
    kube = await kubeTarget(config);
  } catch (error) {
    await Promise.allSettled([postgres?.close(), redis?.close()]);
    throw error;
  }
  // The Elasticsearch client is itself loaded on first use (see elasticsearch.ts).
  const logSearch =
    config.OATIE_ELASTICSEARCH_URL === undefined
      ? undefined
      : openElasticsearch({
          url: config.OATIE_ELASTICSEARCH_URL,
          index: config.OATIE_ELASTICSEARCH_INDEX,
          timeoutMs,
        });
  return {
    postgres,
    redis,
    kube,
    oatieApi:
      config.OATIE_API_URL === undefined
        ? undefined
        : openOatieApi({ url: config.OATIE_API_URL, token: config.OATIE_API_TOKEN, timeoutMs }),
    oracleBi:
      config.ORACLE_BI_URL === undefined ? undefined : openOracleBi({ url: config.ORACLE_BI_URL, timeoutMs }),
    statusPage: statusPageFromConfig(config),
    pager:
      config.PAGERDUTY_ROUTING_KEY === undefined
        ? undefined
        : openPagerDuty({
            routingKey: config.PAGERDUTY_ROUTING_KEY,
            url: config.PAGERDUTY_EVENTS_URL ?? PAGERDUTY_EVENTS_URL,
            timeoutMs,
          }),
    schedules:
      config.PAGERDUTY_API_TOKEN === undefined
        ? undefined
        : openPagerDutySchedules({
            token: config.PAGERDUTY_API_TOKEN,
            url: config.PAGERDUTY_API_URL ?? PAGERDUTY_API_URL,
            timeoutMs,
          }),
    logSearch,
    dns: openNameResolver({ servers: config.OATIE_DNS_SERVERS, timeoutMs }),
    // The clients that hold connections, closed together at shutdown.
    close: async () => {
      await Promise.allSettled([postgres?.close(), redis?.close(), logSearch?.close()]);
    },
  };
}
