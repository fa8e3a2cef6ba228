// Builds the clients of the configured targets (adapters); a target whose variables are not set stays
// absent.
import type { Config } from '../config/env.js';
import type { Logger } from '../core/logger.js';
import { openElasticsearch } from './elasticsearch.js';
import { openKubeTarget } from './kube.js';
import { openOatieApi } from './oatie-api.js';
import { openOracleBi } from './oracle-bi.js';
import { openPostgresTarget } from './postgres.js';
import { openRedisTarget } from './redis.js';
import { statusPageFromConfig } from './statuspage.js';
import type { Targets } from './targets.js';

export function buildTargets(config: Config, log: Logger): Targets {
  const timeoutMs = config.OATIE_TARGET_TIMEOUT_MS;
  const postgres =
    config.OATIE_DATABASE_URL === undefined
      ? undefined
      : openPostgresTarget(config.OATIE_DATABASE_URL, {
          timeoutMs,
          log: log.child({ target: 'postgres' }),
          platformSchema: config.OATIE_PLATFORM_SCHEMA,
        });
  const redis =
    config.OATIE_REDIS_URL === undefined
      ? undefined
      : openRedisTarget(config.OATIE_REDIS_URL, {
          timeoutMs,
          keyPrefix: config.OATIE_REDIS_PREFIX,
          log: log.child({ target: 'redis' }),
        });
  const logSearch =
    config.OATIE_ELASTICSEARCH_URL === undefined
      ? undefined
      : openElasticsearch({
          url: config.OATIE_ELASTICSEARCH_URL,
          index: config.OATIE_ELASTICSEARCH_INDEX,
          timeoutMs,
        });
  const kubeConfigured = config.OATIE_KUBE_IN_CLUSTER || config.KUBECONFIG !== undefined;
  return {
    postgres,
    redis,
    // A kubeconfig that cannot be read stops the start-up with its reason (see loadKubeConfig).
    kube: kubeConfigured
      ? openKubeTarget({
          inCluster: config.OATIE_KUBE_IN_CLUSTER,
          kubeconfig: config.KUBECONFIG,
          namespace: config.OATIE_NAMESPACE,
          timeoutMs,
        })
      : undefined,
    oatieApi:
      config.OATIE_API_URL === undefined
        ? undefined
        : openOatieApi({ url: config.OATIE_API_URL, token: config.OATIE_API_TOKEN, timeoutMs }),
    oracleBi:
      config.ORACLE_BI_URL === undefined ? undefined : openOracleBi({ url: config.ORACLE_BI_URL, timeoutMs }),
    statusPage: statusPageFromConfig(config),
    logSearch,
    // The clients that hold connections, closed together at shutdown.
    close: async () => {
      await Promise.allSettled([postgres?.close(), redis?.close(), logSearch?.close()]);
    },
  };
}
