// `k8s top pods|nodes`: memory and CPU use (metrics.k8s.io) against requests and limits, or against
// what each node can allocate; the pods closest to their memory limit first.
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { formatBytes, formatCores, parseQuantity, percentOf } from '../core/quantity.js';
import type { KubePod, KubeTarget, PodUsage, ResourceAmounts } from '../targets/targets.js';
import { kubeOf } from '../targets/require-target.js';
import { diagnosis, plural, table, verdict, type Finding, type Level } from './verdict.js';

/** At or above this share of its memory limit, a pod is close to being OOMKilled. */
const MEMORY_WARN_PERCENT = 90;

interface Totals {
  cpu?: number;
  memory?: number;
}

const sum = (values: Array<number | undefined>): number | undefined =>
  values.some((v) => v === undefined) ? undefined : values.reduce<number>((a, v) => a + (v ?? 0), 0);

/** A pod's total request or limit; undefined when any container leaves it unset (no bound). */
function podTotal(
  pod: KubePod | undefined,
  pick: (c: { requests: ResourceAmounts; limits: ResourceAmounts }) => ResourceAmounts,
): Totals {
  if (!pod || pod.containers.length === 0) return {};
  return {
    cpu: sum(pod.containers.map((c) => parseQuantity(pick(c).cpu))),
    memory: sum(pod.containers.map((c) => parseQuantity(pick(c).memory))),
  };
}

const pct = (n: number | undefined): string => (n === undefined ? '—' : `${n}%`);

interface PodRow {
  name: string;
  cpu: number;
  memory: number;
  cpuRequest?: number;
  cpuLimit?: number;
  memRequest?: number;
  memLimit?: number;
}

function podRow(usage: PodUsage, pod: KubePod | undefined): PodRow {
  const requests = podTotal(pod, (c) => c.requests);
  const limits = podTotal(pod, (c) => c.limits);
  const cpu = usage.containers.reduce((a, c) => a + (parseQuantity(c.cpu) ?? 0), 0);
  const memory = usage.containers.reduce((a, c) => a + (parseQuantity(c.memory) ?? 0), 0);
  return {
    name: usage.name,
    cpu,
    memory,
    cpuRequest: percentOf(cpu, requests.cpu),
    cpuLimit: percentOf(cpu, limits.cpu),
    memRequest: percentOf(memory, requests.memory),
    memLimit: percentOf(memory, limits.memory),
  };
}

// Closest to the memory limit first: that is what gets OOMKilled. Pods without a limit come after,
// by their share of the request, then by raw use.
function byPressure(a: PodRow, b: PodRow): number {
  const limited = Number(b.memLimit !== undefined) - Number(a.memLimit !== undefined);
  return (
    limited || (b.memLimit ?? b.memRequest ?? -1) - (a.memLimit ?? a.memRequest ?? -1) || b.memory - a.memory
  );
}

async function topPods(kube: KubeTarget): Promise<Finding & { blocks: Block[] }> {
  const [usage, pods] = await Promise.all([kube.podUsage(), kube.listPods()]);
  const byName = new Map(pods.map((p) => [p.name, p]));
  const rows = usage.map((u) => podRow(u, byName.get(u.name))).sort(byPressure);
  const hot = rows.filter((r) => (r.memLimit ?? 0) >= MEMORY_WARN_PERCENT);
  const unbounded = rows.filter((r) => r.memLimit === undefined);
  const level: Level = rows.length === 0 ? 'info' : hot.length > 0 ? 'warn' : 'ok';
  const text =
    rows.length === 0
      ? `No pod metrics in namespace ${kube.namespace}.`
      : hot.length > 0
        ? `${plural(hot.length, 'pod is', 'pods are')} at ${MEMORY_WARN_PERCENT}% or more of their memory limit: ${hot.map((r) => r.name).join(', ')}.`
        : `${plural(rows.length, 'pod', 'pods')}: all below ${MEMORY_WARN_PERCENT}% of their memory limit.`;
  const blocks: Block[] = [
    table(
      ['pod', 'cpu', 'cpu/req', 'cpu/lim', 'memory', 'mem/req', 'mem/lim'],
      rows.map((r) => [
        r.name,
        formatCores(r.cpu),
        pct(r.cpuRequest),
        pct(r.cpuLimit),
        formatBytes(r.memory),
        pct(r.memRequest),
        pct(r.memLimit),
      ]),
    ),
  ];
  if (unbounded.length > 0) {
    blocks.push({
      kind: 'context',
      text: `${plural(unbounded.length, 'pod has', 'pods have')} no memory limit (—): nothing stops them from starving the node.`,
    });
  }
  return { level, text, blocks };
}

async function topNodes(kube: KubeTarget): Promise<Finding & { blocks: Block[] }> {
  const [usage, nodes] = await Promise.all([kube.nodeUsage(), kube.listNodes()]);
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const rows = usage
    .map((u) => {
      const node = byName.get(u.name);
      const cpu = parseQuantity(u.cpu) ?? 0;
      const memory = parseQuantity(u.memory) ?? 0;
      return {
        name: u.name,
        ready: node?.ready ?? false,
        cpu,
        memory,
        cpuPct: percentOf(cpu, parseQuantity(node?.allocatable.cpu)),
        memPct: percentOf(memory, parseQuantity(node?.allocatable.memory)),
      };
    })
    .sort((a, b) => (b.memPct ?? 0) - (a.memPct ?? 0));
  const hot = rows.filter((r) => (r.memPct ?? 0) >= MEMORY_WARN_PERCENT || !r.ready);
  const level: Level = rows.length === 0 ? 'info' : hot.length > 0 ? 'warn' : 'ok';
  const text =
    rows.length === 0
      ? 'No node metrics.'
      : hot.length > 0
        ? `${plural(hot.length, 'node needs', 'nodes need')} attention (not ready, or ${MEMORY_WARN_PERCENT}%+ memory): ${hot.map((r) => r.name).join(', ')}.`
        : `${plural(rows.length, 'node', 'nodes')}: all ready and below ${MEMORY_WARN_PERCENT}% memory.`;
  const blocks: Block[] = [
    table(
      ['node', 'ready', 'cpu', 'cpu %', 'memory', 'memory %'],
      rows.map((r) => [
        r.name,
        r.ready ? 'yes' : 'NO',
        formatCores(r.cpu),
        pct(r.cpuPct),
        formatBytes(r.memory),
        pct(r.memPct),
      ]),
    ),
    { kind: 'context', text: 'Percentages are of what each node can allocate to pods.' },
  ];
  return { level, text, blocks };
}

export const k8sTop = defineCommand('k8s top', async ({ args, services }) => {
  const kube = kubeOf(services);
  const result = args.resource === 'pods' ? await topPods(kube) : await topNodes(kube);
  const title =
    args.resource === 'pods'
      ? `Pod resource use — ${kube.description}`
      : `Node resource use — ${kube.description}`;
  return diagnosis(title, verdict(result.level, result.text), result.blocks);
});
