// The Kubernetes port: what diagnostics and fixes need of the cluster, in plain data the core can read
// without @kubernetes/client-node. Quantities stay as Kubernetes writes them ("512Mi", "250m").

/** One requirement of a set-based label selector. */
export interface LabelRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: string[];
}

/** A label selector as the API holds it (matchLabels and matchExpressions); empty selects everything. */
export interface LabelSelector {
  matchLabels: Record<string, string>;
  matchExpressions: LabelRequirement[];
}

/** CPU and memory quantities as written in a manifest (`250m`, `512Mi`); absent when not set. */
export interface ResourceAmounts {
  cpu?: string;
  memory?: string;
}

export interface ContainerSpec {
  name: string;
  image: string;
  requests: ResourceAmounts;
  limits: ResourceAmounts;
}

export interface ContainerTermination {
  /** OOMKilled, Error, Completed… */
  reason?: string;
  exitCode: number;
  finishedAt?: Date;
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  restartCount: number;
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  /** CrashLoopBackOff, ContainerCreating, OOMKilled… */
  stateReason?: string;
  startedAt?: Date;
  /** The current termination when the container is terminated, else the previous one. */
  lastTermination?: ContainerTermination;
}

export interface KubePod {
  name: string;
  namespace: string;
  phase: string;
  nodeName?: string;
  createdAt?: Date;
  labels: Record<string, string>;
  /** The deployment that owns the pod (through its ReplicaSet), when there is one. */
  deployment?: string;
  containers: ContainerSpec[];
  statuses: ContainerStatus[];
}

export interface KubeEvent {
  type: string;
  reason: string;
  message: string;
  count: number;
  lastSeen?: Date;
}

export interface DeploymentCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdate?: Date;
}

export interface KubeDeployment {
  name: string;
  namespace: string;
  /** metadata.uid: a deployment deleted and created again under the same name gets a new one. */
  uid: string;
  /** metadata.generation: bumped by every change of the spec. */
  generation: number;
  /** spec.replicas */
  replicas: number;
  selector: LabelSelector;
  containers: ContainerSpec[];
  /** spec.template.metadata.annotations (a rollout restart sets kubectl.kubernetes.io/restartedAt). */
  templateAnnotations: Record<string, string>;
  status: {
    observedGeneration: number;
    replicas: number;
    updatedReplicas: number;
    readyReplicas: number;
    availableReplicas: number;
    unavailableReplicas: number;
    conditions: DeploymentCondition[];
  };
}

/** How a patch is merged: strategic merge (lists of containers merged by name) or RFC 7386 merge. */
export type DeploymentPatchStrategy = 'strategic-merge' | 'merge';

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except: string[] };
}

export interface NetworkPolicyRule {
  /** Empty: from/to anywhere. */
  peers: NetworkPolicyPeer[];
  /** Empty: every port. */
  ports: Array<{ protocol: string; port?: string }>;
}

export interface KubeNetworkPolicy {
  name: string;
  namespace: string;
  podSelector: LabelSelector;
  policyTypes: string[];
  ingress: NetworkPolicyRule[];
  egress: NetworkPolicyRule[];
}

export interface ServiceEndpoints {
  name: string;
  namespace: string;
  exists: boolean;
  clusterIP?: string;
  ready: string[];
  notReady: string[];
}

export interface PodUsage {
  name: string;
  namespace: string;
  containers: Array<{ name: string; cpu: string; memory: string }>;
}

export interface NodeUsage {
  name: string;
  cpu: string;
  memory: string;
}

export interface KubeNode {
  name: string;
  ready: boolean;
  allocatable: ResourceAmounts;
  capacity: ResourceAmounts;
}

/** The cluster (kubeconfig or in-cluster). `namespace` defaults to OATIE_NAMESPACE everywhere.
 * Every call is bounded by OATIE_TARGET_TIMEOUT_MS and fails with an OpsError (TargetDown, Timeout,
 * NotAvailable). Names passed in must be DNS labels: the adapter refuses anything else. */
export interface KubeTarget {
  /** Where it points, for messages: the API server's host and the namespace. */
  readonly description: string;
  readonly namespace: string;
  /** GET /version: round-trip time and the server's version. */
  ping(): Promise<{ latencyMs: number; version: string }>;
  listPods(options?: { namespace?: string; selector?: LabelSelector }): Promise<KubePod[]>;
  getPod(name: string, namespace?: string): Promise<KubePod | undefined>;
  /** The last `tailLines` lines of one container written in the last `sinceSeconds`. */
  podLogs(
    pod: string,
    options: { namespace?: string; container?: string; sinceSeconds: number; tailLines: number },
  ): Promise<string>;
  /** Events whose involved object is the named pod, newest first. */
  podEvents(pod: string, namespace?: string): Promise<KubeEvent[]>;
  getDeployment(name: string, namespace?: string): Promise<KubeDeployment | undefined>;
  /** Applies a patch to a deployment and returns it as the server answered. */
  patchDeployment(
    name: string,
    patch: object,
    options: { strategy: DeploymentPatchStrategy; namespace?: string },
  ): Promise<KubeDeployment>;
  listNetworkPolicies(namespace?: string): Promise<KubeNetworkPolicy[]>;
  serviceEndpoints(name: string, namespace?: string): Promise<ServiceEndpoints>;
  /** metrics.k8s.io: current use per pod; NotAvailable when the metrics API is not installed. */
  podUsage(namespace?: string): Promise<PodUsage[]>;
  nodeUsage(): Promise<NodeUsage[]>;
  listNodes(): Promise<KubeNode[]>;
}
