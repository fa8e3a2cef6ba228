// The target a diagnostic or a fix needs, or a "not configured: set <variable>" before anything runs.
import { notConfigured } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type { CacheTarget, KubeTarget, SqlTarget } from './targets.js';

/** Names of the variables that configure each target, for "not configured" answers. */
export const TARGET_VARIABLES = {
  postgres: 'OATIE_DATABASE_URL',
  redis: 'OATIE_REDIS_URL',
  kube: 'KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true',
  oatieApi: 'OATIE_API_URL and OATIE_API_TOKEN',
  oracleBi: 'ORACLE_BI_URL',
  elasticsearch: 'OATIE_ELASTICSEARCH_URL',
} as const;

export function postgresOf(services: Services): SqlTarget {
  const target = services.targets.postgres;
  if (!target) throw notConfigured('The Oatie database', TARGET_VARIABLES.postgres);
  return target;
}

export function redisOf(services: Services): CacheTarget {
  const target = services.targets.redis;
  if (!target) throw notConfigured('The Oatie Redis', TARGET_VARIABLES.redis);
  return target;
}

export function kubeOf(services: Services): KubeTarget {
  const target = services.targets.kube;
  if (!target) throw notConfigured('Kubernetes', TARGET_VARIABLES.kube);
  return target;
}
