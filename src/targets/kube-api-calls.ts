// The Kubernetes API calls behind each method of the Kubernetes port, as the API server's authorizer
// sees them (API group, resource, verb). The RBAC rules in manifests/kubernetes/rbac.yaml grant
// exactly these (a test renders the manifests and compares both ways; another runs every method
// against a fake API server and checks this table against the requests it actually sends).
import type { KubeTarget } from './kube-port.js';

export interface KubeResourceAccess {
  /** '' for the core group (pods, events…). */
  group: string;
  /** Plural resource, with its subresource after a slash (pods/log). */
  resource: string;
  verb: 'get' | 'list' | 'patch';
  /** Namespaced calls default to OATIE_NAMESPACE; cluster calls need a ClusterRole. */
  scope: 'namespaced' | 'cluster';
}

/** A non-resource URL every authenticated client may GET (the default system:public-info-viewer). */
export interface KubePublicAccess {
  nonResourceUrl: '/version';
  verb: 'get';
}

export type KubeAccess = KubeResourceAccess | KubePublicAccess;

/** Every method of the port that calls the API. */
export type KubeCall = Exclude<keyof KubeTarget, 'description' | 'namespace'>;

const core = (resource: string, verb: KubeResourceAccess['verb']): KubeResourceAccess => ({
  group: '',
  resource,
  verb,
  scope: 'namespaced',
});

export const kubeApiCalls: Record<KubeCall, readonly KubeAccess[]> = {
  ping: [{ nonResourceUrl: '/version', verb: 'get' }],
  listPods: [core('pods', 'list')],
  getPod: [core('pods', 'get')],
  podLogs: [core('pods/log', 'get')],
  podEvents: [core('events', 'list')],
  getDeployment: [{ group: 'apps', resource: 'deployments', verb: 'get', scope: 'namespaced' }],
  // Only on the deployments the policy allowlists (resourceNames in the Role).
  patchDeployment: [{ group: 'apps', resource: 'deployments', verb: 'patch', scope: 'namespaced' }],
  listNetworkPolicies: [
    { group: 'networking.k8s.io', resource: 'networkpolicies', verb: 'list', scope: 'namespaced' },
  ],
  serviceEndpoints: [core('services', 'get'), core('endpoints', 'get')],
  podUsage: [{ group: 'metrics.k8s.io', resource: 'pods', verb: 'list', scope: 'namespaced' }],
  nodeUsage: [{ group: 'metrics.k8s.io', resource: 'nodes', verb: 'list', scope: 'cluster' }],
  listNodes: [{ group: '', resource: 'nodes', verb: 'list', scope: 'cluster' }],
};

/** The methods that write: the Role grants them only on named objects (the policy's allowlist). */
export const kubeWriteCalls: readonly KubeCall[] = ['patchDeployment'];
