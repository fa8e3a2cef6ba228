// A fake Kubernetes API server that answers the REST paths @kubernetes/client-node calls, from
// fixtures a test can change, plus a kubeconfig file pointing at it. The real client library runs
// unmodified: label and field selectors are applied as the API server would, PATCH bodies and
// content types are recorded and merged; `hang` (from HttpFake) leaves requests unanswered.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpFake, json, type Answer, type RecordedRequest } from './http-fake.js';
import type { Json } from './kube-fixtures.js';

export interface KubeFixtures {
  pods: Json[];
  deployments: Json[];
  events: Json[];
  services: Json[];
  endpoints: Json[];
  networkPolicies: Json[];
  nodes: Json[];
  podMetrics: Json[];
  nodeMetrics: Json[];
  /** Log lines by pod name. */
  logs: Record<string, string[]>;
  /** False: the metrics API is not installed (404). */
  metricsAvailable: boolean;
}

export const FAKE_KUBE_TOKEN = 'fake-kube-token';

const emptyFixtures = (): KubeFixtures => ({
  pods: [],
  deployments: [],
  events: [],
  services: [],
  endpoints: [],
  networkPolicies: [],
  nodes: [],
  podMetrics: [],
  nodeMetrics: [],
  logs: {},
  metricsAvailable: true,
});

interface Meta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
}

const meta = (o: Json): Meta => (o.metadata as Meta | undefined) ?? {};

const status = (code: number, reason: string): Answer =>
  json(code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code, message: reason });

const list = (kind: string, items: Json[]): Answer =>
  json(200, { apiVersion: 'v1', kind, metadata: { resourceVersion: '1' }, items });

/** Writes a kubeconfig for `server` (plain HTTP, which client-node allows only with skip-tls-verify). */
export async function writeKubeconfig(server: string, dir: string): Promise<string> {
  const file = join(dir, 'kubeconfig.yaml');
  const text = [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: fake',
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: oatie-ops',
    '  user:',
    `    token: ${FAKE_KUBE_TOKEN}`,
    'contexts:',
    '- name: fake',
    '  context: { cluster: fake, user: oatie-ops, namespace: oatie }',
    'current-context: fake',
    '',
  ].join('\n');
  await writeFile(file, text, 'utf8');
  return file;
}

export class FakeKube extends HttpFake {
  readonly fixtures: KubeFixtures;
  /** Answer every request with this status (401, 403, 500) instead of the fixtures. */
  failWith: number | undefined;
  kubeconfig = '';
  private dir = '';

  private constructor(fixtures: Partial<KubeFixtures>) {
    super();
    this.fixtures = { ...emptyFixtures(), ...fixtures };
  }

  static async start(fixtures: Partial<KubeFixtures> = {}): Promise<FakeKube> {
    const fake = await new FakeKube(fixtures).start();
    fake.dir = await mkdtemp(join(tmpdir(), 'fake-kube-'));
    fake.kubeconfig = await writeKubeconfig(fake.url, fake.dir);
    return fake;
  }

  override async stop(): Promise<void> {
    await super.stop();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  /** Finishes the rollout of a deployment as its controller would: observedGeneration catches up with
   * generation and every replica is updated and available. (A PATCH leaves the rollout pending.) */
  completeRollout(name: string, namespace = 'oatie'): void {
    const found = named(this.fixtures.deployments, namespace, name);
    if (!found) throw new Error(`fake kube: no deployment ${namespace}/${name}`);
    const { generation } = found.metadata as { generation?: number };
    const replicas = (found.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    const status = (found.status ?? {}) as Json;
    found.status = {
      ...status,
      observedGeneration: generation,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
    };
  }

  /** The environment that points the bot at this fake. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { KUBECONFIG: this.kubeconfig, OATIE_NAMESPACE: 'oatie', ...extra };
  }

  protected override answer(r: RecordedRequest): Answer {
    if (r.headers.authorization !== `Bearer ${FAKE_KUBE_TOKEN}`) return status(401, 'Unauthorized');
    if (this.failWith !== undefined) return status(this.failWith, 'Failure');
    const f = this.fixtures;
    const p = r.path;
    let m: RegExpExecArray | null;
    if (p === '/version') return json(200, { major: '1', minor: '30', gitVersion: 'v1.30.2' });
    if (p === '/api/v1/nodes') return list('NodeList', f.nodes);
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods$/.exec(p))) {
      return list(
        'PodList',
        inNamespace(f.pods, m[1]).filter((o) => matchesLabels(meta(o).labels ?? {}, r.query.labelSelector)),
      );
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(p))) return this.logs(m[1], m[2], r);
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/(pods|services|endpoints)\/([^/]+)$/.exec(p))) {
      const items = m[2] === 'pods' ? f.pods : m[2] === 'services' ? f.services : f.endpoints;
      const found = named(items, m[1], m[3]);
      return found ? json(200, found) : status(404, 'NotFound');
    }
    if ((m = /^\/api\/v1\/namespaces\/([^/]+)\/events$/.exec(p))) {
      return list(
        'EventList',
        inNamespace(f.events, m[1]).filter((e) => matchesFields(e, r.query.fieldSelector)),
      );
    }
    if ((m = /^\/apis\/apps\/v1\/namespaces\/([^/]+)\/deployments\/([^/]+)$/.exec(p))) {
      return this.deployment(m[1] ?? '', m[2] ?? '', r);
    }
    if ((m = /^\/apis\/networking\.k8s\.io\/v1\/namespaces\/([^/]+)\/networkpolicies$/.exec(p))) {
      return list('NetworkPolicyList', inNamespace(f.networkPolicies, m[1]));
    }
    if (p.startsWith('/apis/metrics.k8s.io/v1beta1/')) return this.metrics(p);
    return status(404, 'NotFound');
  }

  private logs(namespace: string | undefined, name: string | undefined, r: RecordedRequest): Answer {
    if (!named(this.fixtures.pods, namespace, name)) return status(404, 'NotFound');
    const tail = Number(r.query.tailLines ?? '0');
    const lines = this.fixtures.logs[name ?? ''] ?? [];
    const shown = tail > 0 ? lines.slice(-tail) : lines;
    return { status: 200, body: shown.map((l) => `${l}\n`).join(''), contentType: 'text/plain' };
  }

  private deployment(namespace: string, name: string, r: RecordedRequest): Answer {
    const found = named(this.fixtures.deployments, namespace, name);
    if (!found) return status(404, 'NotFound');
    // As the API server does at creation: every object has a uid, kept for its whole life.
    const identity = meta(found);
    identity.uid ??= randomUUID();
    found.metadata = identity;
    if (r.method === 'GET') return json(200, found);
    if (r.method !== 'PATCH') return status(405, 'MethodNotAllowed');
    const patch = JSON.parse(r.body) as Json;
    const strategic = r.headers['content-type'] === 'application/strategic-merge-patch+json';
    const merged = mergePatch(found, patch, strategic) as Json;
    const metadata = merged.metadata as { generation?: number };
    metadata.generation = (metadata.generation ?? 1) + 1;
    this.fixtures.deployments = this.fixtures.deployments.map((d) => (d === found ? merged : d));
    return json(200, merged);
  }

  private metrics(path: string): Answer {
    if (!this.fixtures.metricsAvailable) return status(404, 'NotFound');
    const m = /^\/apis\/metrics\.k8s\.io\/v1beta1\/namespaces\/([^/]+)\/pods$/.exec(path);
    if (m)
      return json(200, {
        kind: 'PodMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items: inNamespace(this.fixtures.podMetrics, m[1]),
      });
    if (path === '/apis/metrics.k8s.io/v1beta1/nodes') {
      return json(200, {
        kind: 'NodeMetricsList',
        apiVersion: 'metrics.k8s.io/v1beta1',
        metadata: {},
        items: this.fixtures.nodeMetrics,
      });
    }
    return status(404, 'NotFound');
  }
}

const inNamespace = (items: Json[], namespace: string | undefined) =>
  items.filter((o) => meta(o).namespace === namespace);

const named = (items: Json[], namespace: string | undefined, name: string | undefined) =>
  items.find((o) => meta(o).namespace === namespace && meta(o).name === name);

/** Splits a selector on the commas that are not inside `in (a,b)`. */
function requirements(selector: string): string[] {
  return selector
    .split(/,(?![^(]*\))/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Label selector semantics of the API server: =, ==, !=, in, notin, exists, !exists. */
export function matchesLabels(labels: Record<string, string>, selector: string | undefined): boolean {
  if (selector === undefined || selector === '') return true;
  return requirements(selector).every((req) => {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(req))) {
      const values = (m[3] ?? '').split(',').map((v) => v.trim());
      const has = m[1] !== undefined && m[1] in labels && values.includes(labels[m[1]] ?? '');
      return m[2] === 'in' ? has : !has;
    }
    if ((m = /^([^=!\s]+)\s*(!=|==|=)\s*(\S*)$/.exec(req))) {
      const equal = labels[m[1] ?? ''] === m[3];
      return m[2] === '!=' ? !equal : equal;
    }
    if ((m = /^!(\S+)$/.exec(req))) return !((m[1] ?? '') in labels);
    if (/^\S+$/.test(req)) return req in labels;
    throw new Error(`fake kube: unreadable label selector requirement "${req}"`);
  });
}

function matchesFields(object: Json, selector: string | undefined): boolean {
  if (selector === undefined || selector === '') return true;
  return selector.split(',').every((req) => {
    const [path = '', value = ''] = req.split('=');
    const actual = path.split('.').reduce<unknown>((o, key) => (o as Json | undefined)?.[key], object);
    return actual === value;
  });
}

/** RFC 7386 merge; with `strategic`, lists of objects with a `name` are merged by name (containers). */
function mergePatch(target: unknown, patch: unknown, strategic: boolean): unknown {
  if (Array.isArray(patch)) {
    if (!strategic || !Array.isArray(target)) return patch;
    const merged = [...(target as Json[])];
    for (const item of patch as Json[]) {
      const index = merged.findIndex((t) => t.name !== undefined && t.name === item.name);
      if (index === -1) merged.push(item);
      else merged[index] = mergePatch(merged[index], item, strategic) as Json;
    }
    return merged;
  }
  if (typeof patch !== 'object' || patch === null) return patch;
  const base: Json =
    typeof target === 'object' && target !== null && !Array.isArray(target) ? { ...(target as Json) } : {};
  for (const [key, value] of Object.entries(patch as Json)) {
    if (value === null) Reflect.deleteProperty(base, key);
    else base[key] = mergePatch(base[key], value, strategic);
  }
  return base;
}
