// Where the Kubernetes adapter connects and how: the kubeconfig (or in-cluster service account),
// and the client configuration that bounds every request with a timeout.
import { delimiter } from 'node:path';
import type { Configuration, KubeConfig, Middleware } from '@kubernetes/client-node';
import { importLibrary } from '../core/import-library.js';

/**
 * The client library, loaded when a cluster is configured (it weighs some 80 MB). An ES module only,
 * which the bundled bot (CommonJS, src/core/code-cache.ts) cannot require(): see importLibrary.
 */
export type KubeLibrary = typeof import('@kubernetes/client-node');

export function loadKubeLibrary(): Promise<KubeLibrary> {
  return importLibrary<KubeLibrary>('@kubernetes/client-node');
}

export interface KubeSettings {
  inCluster: boolean;
  /** KUBECONFIG: one file or several joined by the path delimiter (merged as kubectl does). */
  kubeconfig?: string;
  namespace: string;
  timeoutMs: number;
}

/** Loads the kubeconfig; throws an Error naming the setting when it cannot be read. */
export function loadKubeConfig(k8s: KubeLibrary, settings: KubeSettings): KubeConfig {
  const kc = new k8s.KubeConfig();
  try {
    if (settings.inCluster) {
      kc.loadFromCluster();
    } else {
      const files = (settings.kubeconfig ?? '').split(delimiter).filter((f) => f !== '');
      files.forEach((file, index) => {
        if (index === 0) return kc.loadFromFile(file);
        const more = new k8s.KubeConfig();
        more.loadFromFile(file);
        kc.mergeConfig(more);
      });
    }
  } catch (error) {
    const source = settings.inCluster
      ? 'the in-cluster service account (OATIE_KUBE_IN_CLUSTER=true)'
      : 'KUBECONFIG';
    // The YAML parser's message quotes the lines around the error, which may hold a token: keep its first line.
    const reason = ((error as Error).message.split('\n')[0] ?? '').trim() || 'unreadable';
    throw new Error(`cannot load the Kubernetes configuration from ${source}: ${reason}`);
  }
  if (!kc.getCurrentCluster())
    throw new Error('the Kubernetes configuration has no current cluster (KUBECONFIG)');
  return kc;
}

/** A fresh AbortSignal per request, so a silent API server cannot hold a diagnostic. */
function timeoutMiddleware(timeoutMs: number): Middleware {
  return {
    pre: (context) => {
      context.setSignal(AbortSignal.timeout(timeoutMs));
      return Promise.resolve(context);
    },
    post: (response) => Promise.resolve(response),
  };
}

/** What KubeConfig.makeApiClient builds, plus the timeout middleware on every request (client-node
 * 1.x has no timeout option of its own). */
export function apiConfiguration(k8s: KubeLibrary, kc: KubeConfig, timeoutMs: number): Configuration {
  return k8s.createConfiguration({
    baseServer: new k8s.ServerConfiguration(kc.getCurrentCluster()?.server ?? '', {}),
    authMethods: { default: kc },
    promiseMiddleware: [timeoutMiddleware(timeoutMs)],
  });
}
