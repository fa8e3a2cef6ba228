// Builds the clients of the targets reached over HTTP (Kubernetes, Oatie API, Oracle BI Publisher)
// from the configuration; a target whose variables are not set stays absent.
import type { Config } from '../config/env.js';
import { openKubeTarget } from './kube.js';
import { openOatieApi } from './oatie-api.js';
import { openOracleBi } from './oracle-bi.js';
import type { Targets } from './targets.js';

export function buildRemoteTargets(config: Config): Pick<Targets, 'kube' | 'oatieApi' | 'oracleBi'> {
  const timeoutMs = config.OATIE_TARGET_TIMEOUT_MS;
  const kubeConfigured = config.OATIE_KUBE_IN_CLUSTER || config.KUBECONFIG !== undefined;
  return {
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
  };
}
