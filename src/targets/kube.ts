// The Kubernetes adapter (@kubernetes/client-node 1.4): kubeconfig or in-cluster configuration,
// every request bounded by an AbortSignal timeout, answers turned into the port's plain data.
import { z } from 'zod';
import type {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubeConfig,
  NetworkingV1Api,
  VersionApi,
} from '@kubernetes/client-node';
import { ErrorCode, OpsError } from '../core/errors.js';
import { parseAnswer } from './http-call.js';
import {
  apiConfiguration,
  loadKubeConfig,
  loadKubeLibrary,
  type KubeLibrary,
  type KubeSettings,
} from './kube-config.js';
import { toDeployment, toEvent, toNetworkPolicy, toNode, toPod } from './kube-convert.js';
import type {
  DeploymentPatchStrategy,
  KubeDeployment,
  KubeEvent,
  KubeNetworkPolicy,
  KubeNode,
  KubePod,
  KubeTarget,
  LabelSelector,
  NodeUsage,
  PodUsage,
  ServiceEndpoints,
} from './kube-port.js';
import { checkName, involvedObjectSelector, labelSelectorString } from './kube-selector.js';
import { networkError, statusError } from './network-error.js';

const quantity = z.union([z.string(), z.number()]).transform(String);
const podMetricsList = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string(), namespace: z.string().default('') }),
      containers: z.array(
        z.object({ name: z.string(), usage: z.object({ cpu: quantity, memory: quantity }) }),
      ),
    }),
  ),
});
const nodeMetricsList = z.object({
  items: z.array(
    z.object({
      metadata: z.object({ name: z.string() }),
      usage: z.object({ cpu: quantity, memory: quantity }),
    }),
  ),
});

export class KubeApiTarget implements KubeTarget {
  readonly description: string;
  readonly namespace: string;
  private readonly what: string;
  private readonly core: CoreV1Api;
  private readonly apps: AppsV1Api;
  private readonly networking: NetworkingV1Api;
  private readonly custom: CustomObjectsApi;
  private readonly version: VersionApi;

  constructor(
    private readonly k8s: KubeLibrary,
    kc: KubeConfig,
    private readonly settings: KubeSettings,
  ) {
    const server = kc.getCurrentCluster()?.server ?? '';
    const host = URL.canParse(server) ? new URL(server).host : 'the configured cluster';
    this.namespace = settings.namespace;
    this.description = `${host} (namespace ${settings.namespace})`;
    this.what = `The Kubernetes API at ${host}`;
    const config = apiConfiguration(k8s, kc, settings.timeoutMs);
    this.core = new k8s.CoreV1Api(config);
    this.apps = new k8s.AppsV1Api(config);
    this.networking = new k8s.NetworkingV1Api(config);
    this.custom = new k8s.CustomObjectsApi(config);
    this.version = new k8s.VersionApi(config);
  }

  async ping(): Promise<{ latencyMs: number; version: string }> {
    const started = performance.now();
    const info = await this.call(() => this.version.getCode());
    return { latencyMs: Math.round(performance.now() - started), version: info.gitVersion };
  }

  async listPods(options: { namespace?: string; selector?: LabelSelector } = {}): Promise<KubePod[]> {
    const namespace = this.ns(options.namespace);
    // The selector is written out from checked structures only (see kube-selector.ts).
    const labelSelector = labelSelectorString(options.selector);
    const list = await this.call(() => this.core.listNamespacedPod({ namespace, labelSelector }));
    return list.items.map(toPod);
  }

  async getPod(name: string, namespace?: string): Promise<KubePod | undefined> {
    const params = { name: checkName(name, 'pod name'), namespace: this.ns(namespace) };
    const pod = await this.callOrMissing(() => this.core.readNamespacedPod(params));
    return pod && toPod(pod);
  }

  podLogs(
    pod: string,
    options: { namespace?: string; container?: string; sinceSeconds: number; tailLines: number },
  ): Promise<string> {
    const params = {
      name: checkName(pod, 'pod name'),
      namespace: this.ns(options.namespace),
      container: options.container === undefined ? undefined : checkName(options.container, 'container name'),
      sinceSeconds: Math.max(1, Math.round(options.sinceSeconds)),
      tailLines: Math.max(1, Math.round(options.tailLines)),
    };
    return this.call(() => this.core.readNamespacedPodLog(params));
  }

  async podEvents(pod: string, namespace?: string): Promise<KubeEvent[]> {
    const params = { namespace: this.ns(namespace), fieldSelector: involvedObjectSelector('Pod', pod) };
    const list = await this.call(() => this.core.listNamespacedEvent(params));
    const time = (e: KubeEvent) => e.lastSeen?.getTime() ?? 0;
    return list.items.map(toEvent).sort((a, b) => time(b) - time(a));
  }

  async getDeployment(name: string, namespace?: string): Promise<KubeDeployment | undefined> {
    const params = { name: checkName(name, 'deployment name'), namespace: this.ns(namespace) };
    const deployment = await this.callOrMissing(() => this.apps.readNamespacedDeployment(params));
    return deployment && toDeployment(deployment);
  }

  async patchDeployment(
    name: string,
    patch: object,
    options: { strategy: DeploymentPatchStrategy; namespace?: string },
  ): Promise<KubeDeployment> {
    const params = {
      name: checkName(name, 'deployment name'),
      namespace: this.ns(options.namespace),
      body: patch,
    };
    // The generated client picks json-patch by default; the Content-Type header decides the merge.
    const { PatchStrategy, setHeaderOptions } = this.k8s;
    const patchTypes: Record<DeploymentPatchStrategy, string> = {
      'strategic-merge': PatchStrategy.StrategicMergePatch,
      merge: PatchStrategy.MergePatch,
    };
    const deployment = await this.call(() =>
      this.apps.patchNamespacedDeployment(
        params,
        setHeaderOptions('Content-Type', patchTypes[options.strategy]),
      ),
    );
    return toDeployment(deployment);
  }

  async listNetworkPolicies(namespace?: string): Promise<KubeNetworkPolicy[]> {
    const list = await this.call(() =>
      this.networking.listNamespacedNetworkPolicy({ namespace: this.ns(namespace) }),
    );
    return list.items.map(toNetworkPolicy);
  }

  async serviceEndpoints(name: string, namespace?: string): Promise<ServiceEndpoints> {
    const params = { name: checkName(name, 'service name'), namespace: this.ns(namespace) };
    const [service, endpoints] = await Promise.all([
      this.callOrMissing(() => this.core.readNamespacedService(params)),
      this.callOrMissing(() => this.core.readNamespacedEndpoints(params)),
    ]);
    const subsets = endpoints?.subsets ?? [];
    return {
      name: params.name,
      namespace: params.namespace,
      exists: service !== undefined,
      clusterIP: service?.spec?.clusterIP,
      ready: subsets.flatMap((s) => (s.addresses ?? []).map((a) => a.ip)),
      notReady: subsets.flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip)),
    };
  }

  async podUsage(namespace?: string): Promise<PodUsage[]> {
    const params = {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      namespace: this.ns(namespace),
      plural: 'pods',
    };
    const raw: unknown = await this.callMetrics(() => this.custom.listNamespacedCustomObject(params));
    return parseAnswer(podMetricsList, raw, this.what, 'metrics').items.map((item) => ({
      name: item.metadata.name,
      namespace: item.metadata.namespace,
      containers: item.containers.map((c) => ({ name: c.name, cpu: c.usage.cpu, memory: c.usage.memory })),
    }));
  }

  async nodeUsage(): Promise<NodeUsage[]> {
    const params = { group: 'metrics.k8s.io', version: 'v1beta1', plural: 'nodes' };
    const raw: unknown = await this.callMetrics(() => this.custom.listClusterCustomObject(params));
    return parseAnswer(nodeMetricsList, raw, this.what, 'metrics').items.map((item) => ({
      name: item.metadata.name,
      cpu: item.usage.cpu,
      memory: item.usage.memory,
    }));
  }

  async listNodes(): Promise<KubeNode[]> {
    const list = await this.call(() => this.core.listNode());
    return list.items.map(toNode);
  }

  private ns(namespace: string | undefined): string {
    return namespace === undefined ? this.namespace : checkName(namespace, 'namespace');
  }

  private async call<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw this.toOpsError(error);
    }
  }

  /** A read whose 404 means "no such object" rather than a failure. */
  private async callOrMissing<T>(request: () => Promise<T>): Promise<T | undefined> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof this.k8s.ApiException && error.code === 404) return undefined;
      throw this.toOpsError(error);
    }
  }

  private async callMetrics<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof this.k8s.ApiException && (error.code === 404 || error.code === 503)) {
        throw new OpsError(
          ErrorCode.NotAvailable,
          `${this.what} has no metrics API (metrics.k8s.io answered ${error.code}): is metrics-server installed?`,
        );
      }
      throw this.toOpsError(error);
    }
  }

  // ApiException's message carries the whole response body and headers: never shown, only its code.
  private toOpsError(error: unknown): OpsError {
    if (error instanceof this.k8s.ApiException) {
      return statusError(
        error.code,
        this.what,
        "check the bot's kubeconfig or service account and its RBAC role",
      );
    }
    return networkError(error, this.what, this.settings.timeoutMs);
  }
}

export type { KubeSettings } from './kube-config.js';

/** Loads the client library and the kubeconfig; rejects with the reason when the kubeconfig cannot be read. */
export async function openKubeTarget(settings: KubeSettings): Promise<KubeTarget> {
  const k8s = await loadKubeLibrary();
  return new KubeApiTarget(k8s, loadKubeConfig(k8s, settings), settings);
}
