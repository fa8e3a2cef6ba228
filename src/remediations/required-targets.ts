// The targets a fix needs, or a clear "not configured: set <variable>" before anything is planned.
import type { Services } from '../core/services.js';
import { notConfigured } from '../core/errors.js';
import type { CacheTarget, KubeTarget, SqlTarget } from '../targets/targets.js';

export function postgresOf(services: Services): SqlTarget {
  const target = services.targets.postgres;
  if (!target) throw notConfigured('The Oatie database', 'OATIE_DATABASE_URL');
  return target;
}

export function redisOf(services: Services): CacheTarget {
  const target = services.targets.redis;
  if (!target) throw notConfigured('The Oatie Redis', 'OATIE_REDIS_URL');
  return target;
}

export function kubeOf(services: Services): KubeTarget {
  const target = services.targets.kube;
  if (!target) throw notConfigured('Kubernetes', 'KUBECONFIG or OATIE_KUBE_IN_CLUSTER=true');
  return target;
}
