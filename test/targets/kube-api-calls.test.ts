// The table of Kubernetes API calls (src/targets/kube-api-calls.ts), which the RBAC role is checked
// against, is the truth: every method of the adapter runs against a fake API server, and the requests
// it really sends are read the way the API server's authorizer reads them.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { kubeApiCalls, type KubeAccess, type KubeCall } from '../../src/targets/kube-api-calls.js';
import { openKubeTarget } from '../../src/targets/kube.js';
import type { KubeTarget } from '../../src/targets/targets.js';
import { FakeKube } from '../support/fake-kube.js';
import type { RecordedRequest } from '../support/http-fake.js';
import { deployment, endpoints, pod, service } from '../support/kube-fixtures.js';

/** Request attributes as the API server derives them from the method and the path. */
function authorizerView(r: RecordedRequest): KubeAccess & { namespace?: string } {
  if (r.path === '/version') return { nonResourceUrl: '/version', verb: 'get' };
  const m =
    /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+)(?:\/([^/]+))?)?$/.exec(
      r.path,
    );
  if (!m) throw new Error(`unexpected API path ${r.path}`);
  const [, group = '', namespace, resource = '', name, subresource] = m;
  const verbs: Record<string, 'get' | 'list' | 'patch'> = { PATCH: 'patch' };
  const verb = verbs[r.method] ?? (r.method === 'GET' ? (name === undefined ? 'list' : 'get') : undefined);
  if (verb === undefined) throw new Error(`unexpected ${r.method} ${r.path}`);
  return {
    group,
    resource: subresource === undefined ? resource : `${resource}/${subresource}`,
    verb,
    scope: namespace === undefined ? 'cluster' : 'namespaced',
    ...(namespace === undefined ? {} : { namespace }),
  };
}

const key = (a: KubeAccess) => JSON.stringify(a);

let fake: FakeKube;
let kube: KubeTarget;

beforeAll(async () => {
  fake = await FakeKube.start({
    pods: [pod({ name: 'report-service-1', app: 'report-service', deployment: 'report-service' })],
    deployments: [deployment({ name: 'report-service', replicas: 1 })],
    services: [service({ name: 'postgres' })],
    endpoints: [endpoints({ name: 'postgres', ready: ['10.0.0.5'] })],
    logs: { 'report-service-1': ['started'] },
  });
  kube = await openKubeTarget({
    inCluster: false,
    kubeconfig: fake.kubeconfig,
    namespace: 'oatie',
    timeoutMs: 5000,
  });
});
afterAll(() => fake.stop());

// Typed by the port: a new method of KubeTarget does not compile until it is exercised here.
const exercise: Record<KubeCall, (k: KubeTarget) => Promise<unknown>> = {
  ping: (k) => k.ping(),
  listPods: (k) => k.listPods(),
  getPod: (k) => k.getPod('report-service-1'),
  podLogs: (k) => k.podLogs('report-service-1', { sinceSeconds: 60, tailLines: 10 }),
  podEvents: (k) => k.podEvents('report-service-1'),
  getDeployment: (k) => k.getDeployment('report-service'),
  patchDeployment: (k) =>
    k.patchDeployment('report-service', { spec: { replicas: 1 } }, { strategy: 'strategic-merge' }),
  listNetworkPolicies: (k) => k.listNetworkPolicies(),
  serviceEndpoints: (k) => k.serviceEndpoints('postgres'),
  podUsage: (k) => k.podUsage(),
  nodeUsage: (k) => k.nodeUsage(),
  listNodes: (k) => k.listNodes(),
};

describe('the table of Kubernetes API calls', () => {
  test.each(Object.keys(exercise) as KubeCall[])('says exactly what %s sends', async (call) => {
    const before = fake.requests.length;
    await exercise[call](kube);
    const sent = fake.requests.slice(before).map(authorizerView);
    expect(sent.length).toBeGreaterThan(0);
    // Namespaced calls go to OATIE_NAMESPACE unless told otherwise.
    for (const s of sent) if ('namespace' in s) expect(s.namespace).toBe('oatie');
    const seen = new Set(sent.map(({ namespace: _ns, ...access }) => key(access)));
    expect([...seen].sort()).toEqual(kubeApiCalls[call].map(key).sort());
  });
});
