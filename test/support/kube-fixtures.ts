// Builders of Kubernetes API objects as they travel on the wire (JSON), for the fake API server.
// Only the fields the bot reads are filled; each builder takes the few values a story cares about.

export type Json = Record<string, unknown>;

export interface Resources {
  requests?: { cpu?: string; memory?: string };
  limits?: { cpu?: string; memory?: string };
}

export interface PodFixture extends Resources {
  name: string;
  namespace?: string;
  /** Sets the `app` label. */
  app?: string;
  labels?: Record<string, string>;
  /** Owner deployment: the pod gets a ReplicaSet owner `<deployment>-<hash>` and a pod-template-hash label. */
  deployment?: string;
  phase?: string;
  ready?: boolean;
  restarts?: number;
  /** A waiting container (CrashLoopBackOff…). */
  waiting?: string;
  lastTermination?: { reason: string; exitCode?: number; finishedAt?: Date };
  createdAt?: Date;
  node?: string;
  image?: string;
  containers?: string[];
}

const HASH = '7d9f8c6b5';

/** The status of one container of the pod: waiting or running, and its last termination. */
function containerStatus(name: string, f: PodFixture): Json {
  const t = f.lastTermination;
  return {
    name,
    image: f.image ?? `registry.oatie.ai/${name}:1.4.2`,
    imageID: '',
    ready: f.ready ?? (f.waiting === undefined && (f.phase ?? 'Running') === 'Running'),
    restartCount: f.restarts ?? 0,
    state: f.waiting
      ? { waiting: { reason: f.waiting } }
      : { running: { startedAt: (f.createdAt ?? new Date()).toISOString() } },
    lastState: t
      ? {
          terminated: {
            reason: t.reason,
            exitCode: t.exitCode ?? (t.reason === 'OOMKilled' ? 137 : 1),
            finishedAt: (t.finishedAt ?? new Date()).toISOString(),
          },
        }
      : {},
  };
}

export function pod(f: PodFixture): Json {
  const labels: Record<string, string> = { ...(f.labels ?? {}) };
  if (f.app) labels.app = f.app;
  if (f.deployment) labels['pod-template-hash'] = HASH;
  const names = f.containers ?? [f.app ?? f.deployment ?? 'main'];
  const resources = { requests: f.requests, limits: f.limits };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: f.name,
      namespace: f.namespace ?? 'oatie',
      labels,
      creationTimestamp: (f.createdAt ?? new Date()).toISOString(),
      ownerReferences: f.deployment
        ? [
            {
              apiVersion: 'apps/v1',
              kind: 'ReplicaSet',
              name: `${f.deployment}-${HASH}`,
              uid: 'u1',
              controller: true,
            },
          ]
        : undefined,
    },
    spec: {
      nodeName: f.node ?? 'node-1',
      containers: names.map((name) => ({
        name,
        image: f.image ?? `registry.oatie.ai/${name}:1.4.2`,
        resources,
      })),
    },
    status: { phase: f.phase ?? 'Running', containerStatuses: names.map((name) => containerStatus(name, f)) },
  };
}

export interface DeploymentFixture extends Resources {
  name: string;
  namespace?: string;
  replicas?: number;
  matchLabels?: Record<string, string>;
  generation?: number;
  image?: string;
}

export function deployment(f: DeploymentFixture): Json {
  const replicas = f.replicas ?? 2;
  const matchLabels = f.matchLabels ?? { app: f.name };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: f.name, namespace: f.namespace ?? 'oatie', generation: f.generation ?? 3 },
    spec: {
      replicas,
      selector: { matchLabels },
      template: {
        metadata: { labels: matchLabels, annotations: {} },
        spec: {
          containers: [
            {
              name: f.name,
              image: f.image ?? `registry.oatie.ai/${f.name}:1.4.2`,
              resources: { requests: f.requests, limits: f.limits },
            },
          ],
        },
      },
    },
    status: {
      observedGeneration: f.generation ?? 3,
      replicas,
      updatedReplicas: replicas,
      readyReplicas: replicas,
      availableReplicas: replicas,
      conditions: [
        { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
        { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
      ],
    },
  };
}

export function event(f: {
  pod: string;
  namespace?: string;
  type?: string;
  reason: string;
  message: string;
  count?: number;
  lastSeen?: Date;
}): Json {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${f.pod}.${f.reason.toLowerCase()}`, namespace: f.namespace ?? 'oatie' },
    involvedObject: { kind: 'Pod', name: f.pod, namespace: f.namespace ?? 'oatie' },
    type: f.type ?? 'Normal',
    reason: f.reason,
    message: f.message,
    count: f.count ?? 1,
    lastTimestamp: (f.lastSeen ?? new Date()).toISOString(),
  };
}

export function service(f: { name: string; namespace?: string; clusterIP?: string }): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: f.name, namespace: f.namespace ?? 'oatie' },
    spec: { clusterIP: f.clusterIP ?? '10.96.0.10', ports: [{ port: 80 }] },
  };
}

export function endpoints(f: {
  name: string;
  namespace?: string;
  ready?: string[];
  notReady?: string[];
}): Json {
  const subset: Json = { ports: [{ port: 80 }] };
  if (f.ready?.length) subset.addresses = f.ready.map((ip) => ({ ip }));
  if (f.notReady?.length) subset.notReadyAddresses = f.notReady.map((ip) => ({ ip }));
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: f.name, namespace: f.namespace ?? 'oatie' },
    subsets: f.ready?.length || f.notReady?.length ? [subset] : [],
  };
}

/** A NetworkPolicy with its spec as written in YAML (`from`, `to`, `podSelector`…). */
export function networkPolicy(name: string, spec: Json, namespace = 'oatie'): Json {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function node(f: { name: string; ready?: boolean; cpu?: string; memory?: string }): Json {
  const amounts = { cpu: f.cpu ?? '4', memory: f.memory ?? '16Gi' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: f.name },
    status: {
      capacity: amounts,
      allocatable: amounts,
      conditions: [{ type: 'Ready', status: f.ready === false ? 'False' : 'True' }],
    },
  };
}

export function podMetric(name: string, usage: { cpu: string; memory: string }, namespace = 'oatie'): Json {
  return {
    metadata: { name, namespace, creationTimestamp: new Date().toISOString() },
    timestamp: new Date().toISOString(),
    window: '30s',
    containers: [{ name: 'main', usage }],
  };
}

export function nodeMetric(name: string, usage: { cpu: string; memory: string }): Json {
  return { metadata: { name }, timestamp: new Date().toISOString(), window: '30s', usage };
}
