// The targets a diagnostic needs, or the error that names the variable to set.
import { notConfigured } from '../core/errors.js';
import type { Services } from '../core/services.js';
import type {
  CacheTarget,
  KubeTarget,
  OatieApiTarget,
  OracleBiTarget,
  SqlTarget,
} from '../targets/targets.js';

export function postgresOf(services: Services): SqlTarget {
  const target = services.targets.postgres;
  if (!target) throw notConfigured('The Oatie database', 'OATIE_DATABASE_URL');
  return target;
}

export function redisOf(services: Services): CacheTarget {
  const target = services.targets.redis;
  if (!target) throw notConfigured('The Oatie Redis (permission cache)', 'OATIE_REDIS_URL');
  return target;
}

/** Names of the variables that configure each target, for "not configured" answers. */
export const TARGET_VARIABLES = {
  kube: 'KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true',
  oatieApi: 'OATIE_API_URL and OATIE_API_TOKEN',
  oracleBi: 'ORACLE_BI_URL',
} as const;

export function kubeOf(services: Services): KubeTarget {
  const target = services.targets.kube;
  if (!target) throw notConfigured('Kubernetes', TARGET_VARIABLES.kube);
  return target;
}

export function oatieApiOf(services: Services): OatieApiTarget {
  const target = services.targets.oatieApi;
  if (!target) throw notConfigured('The Oatie API', TARGET_VARIABLES.oatieApi);
  return target;
}

export function oracleBiOf(services: Services): OracleBiTarget {
  const target = services.targets.oracleBi;
  if (!target) throw notConfigured('Oracle BI Publisher', TARGET_VARIABLES.oracleBi);
  return target;
}
