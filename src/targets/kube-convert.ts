// Turns the library's API objects (V1Pod, V1Deployment…) into the port's plain data.
import type {
  CoreV1Event,
  V1Container,
  V1ContainerStatus,
  V1Deployment,
  V1NetworkPolicy,
  V1NetworkPolicyPeer,
  V1NetworkPolicyEgressRule,
  V1NetworkPolicyIngressRule,
  V1NetworkPolicyPort,
  V1Node,
  V1Pod,
} from '@kubernetes/client-node';
import type {
  ContainerSpec,
  ContainerStatus,
  KubeDeployment,
  KubeEvent,
  KubeNetworkPolicy,
  KubeNode,
  KubePod,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  ResourceAmounts,
} from './kube-port.js';
import { fromV1Selector } from './kube-selector.js';

const asDate = (value: unknown): Date | undefined => {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string') {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? undefined : date;
  }
  return undefined;
};

function amounts(values: Record<string, string> | undefined): ResourceAmounts {
  const out: ResourceAmounts = {};
  if (values?.cpu !== undefined) out.cpu = values.cpu;
  if (values?.memory !== undefined) out.memory = values.memory;
  return out;
}

export function toContainerSpec(c: V1Container): ContainerSpec {
  return {
    name: c.name,
    image: c.image ?? '',
    requests: amounts(c.resources?.requests),
    limits: amounts(c.resources?.limits),
  };
}

function toContainerStatus(s: V1ContainerStatus): ContainerStatus {
  const state = s.state?.running
    ? 'running'
    : s.state?.waiting
      ? 'waiting'
      : s.state?.terminated
        ? 'terminated'
        : 'unknown';
  const terminated = s.state?.terminated ?? s.lastState?.terminated;
  return {
    name: s.name,
    ready: s.ready,
    restartCount: s.restartCount,
    state,
    stateReason: s.state?.waiting?.reason ?? s.state?.terminated?.reason,
    startedAt: asDate(s.state?.running?.startedAt),
    lastTermination: terminated
      ? {
          reason: terminated.reason,
          exitCode: terminated.exitCode,
          finishedAt: asDate(terminated.finishedAt),
        }
      : undefined,
  };
}

/** A pod's deployment: its owner is a ReplicaSet named `<deployment>-<pod-template-hash>`. */
function owningDeployment(pod: V1Pod): string | undefined {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.controller === true && o.kind === 'ReplicaSet');
  const hash = pod.metadata?.labels?.['pod-template-hash'];
  if (!owner || !hash || !owner.name.endsWith(`-${hash}`)) return undefined;
  return owner.name.slice(0, -(hash.length + 1)) || undefined;
}

export function toPod(pod: V1Pod): KubePod {
  return {
    name: pod.metadata?.name ?? '',
    namespace: pod.metadata?.namespace ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    nodeName: pod.spec?.nodeName,
    createdAt: asDate(pod.metadata?.creationTimestamp),
    labels: { ...(pod.metadata?.labels ?? {}) },
    deployment: owningDeployment(pod),
    containers: (pod.spec?.containers ?? []).map(toContainerSpec),
    statuses: (pod.status?.containerStatuses ?? []).map(toContainerStatus),
  };
}

export function toEvent(event: CoreV1Event): KubeEvent {
  return {
    type: event.type ?? 'Normal',
    reason: event.reason ?? '',
    message: event.message ?? '',
    count: event.count ?? event.series?.count ?? 1,
    lastSeen:
      asDate(event.lastTimestamp) ?? asDate(event.eventTime) ?? asDate(event.metadata.creationTimestamp),
  };
}

export function toDeployment(d: V1Deployment): KubeDeployment {
  const s = d.status;
  return {
    name: d.metadata?.name ?? '',
    namespace: d.metadata?.namespace ?? '',
    uid: d.metadata?.uid ?? '',
    generation: d.metadata?.generation ?? 0,
    replicas: d.spec?.replicas ?? 1,
    selector: fromV1Selector(d.spec?.selector),
    containers: (d.spec?.template.spec?.containers ?? []).map(toContainerSpec),
    templateAnnotations: { ...(d.spec?.template.metadata?.annotations ?? {}) },
    status: {
      observedGeneration: s?.observedGeneration ?? 0,
      replicas: s?.replicas ?? 0,
      updatedReplicas: s?.updatedReplicas ?? 0,
      readyReplicas: s?.readyReplicas ?? 0,
      availableReplicas: s?.availableReplicas ?? 0,
      unavailableReplicas: s?.unavailableReplicas ?? 0,
      conditions: (s?.conditions ?? []).map((c) => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
        lastUpdate: asDate(c.lastUpdateTime),
      })),
    },
  };
}

function toPeer(peer: V1NetworkPolicyPeer): NetworkPolicyPeer {
  return {
    podSelector: peer.podSelector ? fromV1Selector(peer.podSelector) : undefined,
    namespaceSelector: peer.namespaceSelector ? fromV1Selector(peer.namespaceSelector) : undefined,
    ipBlock: peer.ipBlock ? { cidr: peer.ipBlock.cidr, except: [...(peer.ipBlock.except ?? [])] } : undefined,
  };
}

const toPorts = (ports: V1NetworkPolicyPort[] | undefined) =>
  (ports ?? []).map((p) => ({
    protocol: p.protocol ?? 'TCP',
    port: p.port === undefined ? undefined : String(p.port),
  }));

function toRule(
  peers: V1NetworkPolicyPeer[] | undefined,
  ports: V1NetworkPolicyPort[] | undefined,
): NetworkPolicyRule {
  return { peers: (peers ?? []).map(toPeer), ports: toPorts(ports) };
}

export function toNetworkPolicy(p: V1NetworkPolicy): KubeNetworkPolicy {
  const ingress: V1NetworkPolicyIngressRule[] = p.spec?.ingress ?? [];
  const egress: V1NetworkPolicyEgressRule[] = p.spec?.egress ?? [];
  // Without policyTypes the API assumes Ingress, plus Egress when egress rules exist.
  const policyTypes = p.spec?.policyTypes ?? (egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  return {
    name: p.metadata?.name ?? '',
    namespace: p.metadata?.namespace ?? '',
    podSelector: fromV1Selector(p.spec?.podSelector),
    policyTypes,
    ingress: ingress.map((r) => toRule(r._from, r.ports)),
    egress: egress.map((r) => toRule(r.to, r.ports)),
  };
}

export function toNode(node: V1Node): KubeNode {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  return {
    name: node.metadata?.name ?? '',
    ready,
    allocatable: amounts(node.status?.allocatable),
    capacity: amounts(node.status?.capacity),
  };
}
