// manifests/kubernetes rendered as `kubectl kustomize` does (test/support/kustomize.ts; compared
// with the real kustomize where kubectl is installed): what an operator applies, least privilege
// included — the RBAC rules grant exactly the Kubernetes API calls the code makes, no more, no less.
import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { parseAllDocuments, parse } from 'yaml';
import { envSchema } from '../../src/config/env.js';
import { loadPolicy, type Policy } from '../../src/config/policy.js';
import { DNS_NAMESPACE } from '../../src/diagnostics/k8s-dns.js';
import { kubeApiCalls, kubeWriteCalls, type KubeCall } from '../../src/targets/kube-api-calls.js';
import { find, kustomize, type KubeObject } from '../support/kustomize.js';
import { ROOT } from '../support/run-bot.js';

const DIR = `${ROOT}/manifests/kubernetes`;
const BOT_NAMESPACE = 'oatie-ops';

type Container = {
  image: string;
  env: Array<{
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
  }>;
  envFrom: Array<{ secretRef?: { name: string } }>;
  readinessProbe: { httpGet: { path: string } };
  livenessProbe: { httpGet: { path: string } };
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  securityContext: Record<string, unknown>;
  volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }>;
};
type PodSpec = {
  serviceAccountName: string;
  securityContext: Record<string, unknown>;
  containers: Container[];
  volumes: Array<{ name: string; configMap?: { name: string }; emptyDir?: object }>;
  terminationGracePeriodSeconds: number;
};
type Rule = {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
};
type Binding = KubeObject & {
  subjects: Array<{ kind: string; name: string; namespace?: string }>;
  roleRef: { kind: string; name: string };
};

const render = () => kustomize(DIR);
const podSpec = (objects: KubeObject[]) =>
  (
    find(objects, 'Deployment', 'oatie-ops', BOT_NAMESPACE) as unknown as {
      spec: { template: { spec: PodSpec } };
    }
  ).spec.template.spec;

async function policy(): Promise<Policy> {
  const result = await loadPolicy(`${DIR}/policy.yaml`);
  if (!result.ok) throw new Error(result.message);
  return result.policy;
}

describe('kubectl kustomize manifests/kubernetes', () => {
  it('renders what the real kustomize renders, where kubectl is installed', async () => {
    const ours = await render();
    let theirs: string;
    try {
      theirs = (await promisify(execFile)('kubectl', ['kustomize', DIR], { timeout: 60_000 })).stdout;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return; // no kubectl on this machine
      throw error;
    }
    const byKey = (objects: KubeObject[]) =>
      Object.fromEntries(
        objects.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]),
      );
    const real = parseAllDocuments(theirs).map((d) => d.toJS() as KubeObject);
    expect(byKey(ours)).toEqual(byKey(real));
  });

  it('runs two replicas of a non-root, read-only, unprivileged container that needs DATABASE_URL', async () => {
    const objects = await render();
    expect(find(objects, 'Namespace', BOT_NAMESPACE)).toBeDefined();
    const deployment = find(objects, 'Deployment', 'oatie-ops', BOT_NAMESPACE) as unknown as {
      spec: { replicas: number };
    };
    expect(deployment.spec.replicas).toBe(2);
    const pod = podSpec(objects);
    const [container] = pod.containers;
    if (!container) throw new Error('no container');
    expect(container.image).not.toMatch(/:latest$|^[^:]+$/);
    // Two replicas share the store: the pod does not start without DATABASE_URL in the secret.
    const store = container.env.find((e) => e.name === 'DATABASE_URL');
    expect(store?.valueFrom?.secretKeyRef).toEqual({ name: 'oatie-ops', key: 'DATABASE_URL' });
    expect(container.readinessProbe.httpGet.path).toBe('/readyz');
    expect(container.livenessProbe.httpGet.path).toBe('/livez');
    expect(container.resources.requests).toEqual(
      expect.objectContaining({ cpu: expect.any(String), memory: expect.any(String) }),
    );
    expect(container.resources.limits.memory).toBeDefined();
    expect(pod.securityContext).toEqual(
      expect.objectContaining({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }),
    );
    expect(container.securityContext).toEqual(
      expect.objectContaining({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      }),
    );
    // The only writable place is /tmp, an emptyDir.
    const tmp = container.volumeMounts.find((m) => m.mountPath === '/tmp');
    expect(pod.volumes.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
    // SIGTERM to exit takes at most 10 s; Kubernetes waits longer before it kills.
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(10);
    const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
    expect(env.OATIE_KUBE_IN_CLUSTER).toBe('true');
    expect(envSchema.safeParse(env).success).toBe(true);
  });

  it('mounts the policy as a ConfigMap generated from policy.yaml, which the bot accepts', async () => {
    const objects = await render();
    const pod = podSpec(objects);
    const volume = pod.volumes.find((v) => v.configMap !== undefined);
    const configMap = find(
      objects,
      'ConfigMap',
      volume?.configMap?.name ?? '',
      BOT_NAMESPACE,
    ) as KubeObject & {
      data: Record<string, string>;
    };
    expect(configMap.metadata.name).toMatch(/^oatie-ops-policy-[a-z0-9]{10}$/);
    expect(configMap.data['policy.yaml']).toBe(await readFile(`${DIR}/policy.yaml`, 'utf8'));
    const container = pod.containers[0];
    const mount = container?.volumeMounts.find((m) => m.name === volume?.name);
    const file = container?.env.find((e) => e.name === 'OATIE_POLICY_FILE')?.value;
    expect(file).toBe(`${mount?.mountPath}/policy.yaml`);
    await policy(); // loads
  });

  it('keeps a replica up through a drain, and serves HTTP on the port the container listens on', async () => {
    const objects = await render();
    const pdb = find(objects, 'PodDisruptionBudget', 'oatie-ops', BOT_NAMESPACE) as unknown as {
      spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } };
    };
    expect(pdb.spec.minAvailable).toBe(1);
    const service = find(objects, 'Service', 'oatie-ops', BOT_NAMESPACE) as unknown as {
      spec: { selector: Record<string, string>; ports: Array<{ targetPort: string }> };
    };
    const template = (
      find(objects, 'Deployment', 'oatie-ops') as unknown as {
        spec: { template: { metadata: { labels: Record<string, string> } } };
      }
    ).spec.template.metadata.labels;
    expect(template).toEqual(expect.objectContaining(service.spec.selector));
    expect(template).toEqual(expect.objectContaining(pdb.spec.selector.matchLabels));
    expect(service.spec.ports[0]?.targetPort).toBe('http');
  });

  it('lets the bot reach only DNS, its store, the platform, the Kubernetes API and HTTPS', async () => {
    type Port = { protocol: string; port: number };
    type Peer = { ipBlock?: { cidr: string }; namespaceSelector?: object; podSelector?: object };
    const policyObject = find(await render(), 'NetworkPolicy', 'oatie-ops', BOT_NAMESPACE) as unknown as {
      spec: { policyTypes: string[]; egress: Array<{ to: Peer[]; ports: Port[] }> };
    };
    const { spec } = policyObject;
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    const ports = spec.egress.map((rule) => rule.ports.map((p) => `${p.protocol}/${p.port}`).join(','));
    expect(ports).toEqual([
      'UDP/53,TCP/53',
      'TCP/5432',
      'TCP/5432',
      'TCP/6379',
      'TCP/8080',
      'TCP/6443',
      'TCP/443',
    ]);
    // Every rule names its ports; only HTTPS goes anywhere.
    for (const rule of spec.egress) {
      expect(rule.to.length).toBeGreaterThan(0);
      if (rule.to.some((p) => p.ipBlock?.cidr === '0.0.0.0/0'))
        expect(rule.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    }
  });

  it('ships a secret example with every key the bot reads from it and no real value, and never applies it', async () => {
    const text = await readFile(`${DIR}/secret.example.yaml`, 'utf8');
    const secret = parse(text) as { stringData: Record<string, string> };
    const keys = Object.keys(envSchema.shape);
    for (const [name, value] of Object.entries(secret.stringData)) {
      expect({ name, known: keys.includes(name) }).toEqual({ name, known: true });
      // Empty, or an address with a <placeholder> instead of any password.
      if (/TOKEN|SECRET|KEY/.test(name)) expect({ name, value }).toEqual({ name, value: '' });
      if (value.includes('@')) expect(value).toMatch(/:<password>@/);
    }
    expect(Object.keys(secret.stringData)).toEqual(
      expect.arrayContaining(['DATABASE_URL', 'SLACK_BOT_TOKEN']),
    );
    expect((await render()).filter((o) => o.kind === 'Secret')).toEqual([]);
  });
});

/** One permission as `namespace|group|resource|verb|name` ('cluster' namespace, '*' any name). */
type Permission = string;
const permission = (ns: string, group: string, resource: string, verb: string, name = '*'): Permission =>
  [ns, group, resource, verb, name].join('|');

/** What the code needs: every call of the table in OATIE_NAMESPACE, writes only on the allowlist,
 * CoreDNS's pods in kube-system (`k8s dns`), reads of the allowlisted deployments where they live. */
function required(
  platformNamespace: string,
  allowlist: Policy['kubernetes']['deployments'],
): Set<Permission> {
  const need = new Set<Permission>();
  for (const [call, accesses] of Object.entries(kubeApiCalls) as Array<
    [KubeCall, (typeof kubeApiCalls)[KubeCall]]
  >) {
    for (const a of accesses) {
      if ('nonResourceUrl' in a) continue; // public to every authenticated client
      if (a.scope === 'cluster') need.add(permission('cluster', a.group, a.resource, a.verb));
      else if (kubeWriteCalls.includes(call))
        for (const d of allowlist) need.add(permission(d.namespace, a.group, a.resource, a.verb, d.name));
      else need.add(permission(platformNamespace, a.group, a.resource, a.verb));
    }
  }
  need.add(permission(DNS_NAMESPACE, '', 'pods', 'list'));
  for (const d of allowlist)
    if (d.namespace !== platformNamespace)
      need.add(permission(d.namespace, 'apps', 'deployments', 'get', d.name));
  return need;
}

/** What the rendered RBAC grants the bot's service account. */
function granted(objects: KubeObject[]): Set<Permission> {
  const have = new Set<Permission>();
  const bindings = objects.filter(
    (o): o is Binding => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding',
  );
  for (const binding of bindings) {
    const forBot = binding.subjects.some(
      (s) => s.kind === 'ServiceAccount' && s.name === 'oatie-ops' && s.namespace === BOT_NAMESPACE,
    );
    expect({ binding: binding.metadata.name, forBot }).toEqual({
      binding: binding.metadata.name,
      forBot: true,
    });
    const ns = binding.kind === 'ClusterRoleBinding' ? 'cluster' : (binding.metadata.namespace ?? '');
    const role = find(
      objects,
      binding.roleRef.kind,
      binding.roleRef.name,
      binding.roleRef.kind === 'Role' ? ns : undefined,
    );
    for (const rule of (role as unknown as { rules: Rule[] }).rules) {
      for (const url of rule.nonResourceURLs ?? [])
        have.add(permission(ns, 'nonResource', url, rule.verbs.join()));
      for (const group of rule.apiGroups ?? [])
        for (const resource of rule.resources ?? [])
          for (const verb of rule.verbs)
            for (const name of rule.resourceNames ?? ['*'])
              have.add(permission(ns, group, resource, verb, name));
    }
  }
  // No role lies around unbound.
  for (const role of objects.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole'))
    expect(bindings.some((b) => b.roleRef.kind === role.kind && b.roleRef.name === role.metadata.name)).toBe(
      true,
    );
  return have;
}

describe('the service account', () => {
  it('is granted exactly the Kubernetes API calls the code makes: no call without a rule, no rule without a call', async () => {
    const objects = await render();
    const env = podSpec(objects).containers[0]?.env ?? [];
    const platformNamespace = env.find((e) => e.name === 'OATIE_NAMESPACE')?.value ?? 'oatie';
    const need = required(platformNamespace, (await policy()).kubernetes.deployments);
    const have = granted(objects);
    expect({ missing: [...need].filter((p) => !have.has(p)).sort() }).toEqual({ missing: [] });
    expect({ extra: [...have].filter((p) => !need.has(p)).sort() }).toEqual({ extra: [] });
  });

  it('can read no secret, exec into no pod, and write nothing but the allowlisted deployments', async () => {
    const have = [...granted(await render())];
    expect(have.filter((p) => /\|secrets\||pods\/exec|pods\/attach|\|\*\|/.test(p))).toEqual([]);
    const writes = have.filter((p) => !/\|(get|list)\|[^|]+$/.test(p));
    const allowlist = (await policy()).kubernetes.deployments;
    expect(writes.sort()).toEqual(
      allowlist.map((d) => permission(d.namespace, 'apps', 'deployments', 'patch', d.name)).sort(),
    );
  });
});
