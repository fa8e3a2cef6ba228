// `k8s describe <pod>`: memory limits — a pod's containers with their requests, limits, state and
// last termination, and the recent events about it.
import { shorten } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import { formatDurationShort } from '../core/duration.js';
import { notFound } from '../core/errors.js';
import type { ContainerSpec, KubeEvent, KubePod } from '../targets/targets.js';
import {
  age,
  describeTermination,
  isReady,
  podStatus,
  readyCount,
  restarts,
  wasOomKilled,
} from './kube-pod-state.js';
import { kubeOf } from '../targets/require-target.js';
import { diagnosis, table, verdict, type Finding } from './verdict.js';

const MAX_EVENTS = 10;

const orDash = (v: string | undefined): string => v ?? '—';

function containerRows(pod: KubePod, now: Date): string[][] {
  return pod.containers.map((c: ContainerSpec) => {
    const s = pod.statuses.find((st) => st.name === c.name);
    return [
      c.name,
      s ? (s.stateReason ?? s.state) : '?',
      String(s?.restartCount ?? 0),
      `${orDash(c.requests.cpu)} / ${orDash(c.limits.cpu)}`,
      `${orDash(c.requests.memory)} / ${orDash(c.limits.memory)}`,
      describeTermination(s?.lastTermination, now),
    ];
  });
}

function podVerdict(pod: KubePod): Finding {
  const missingLimit = pod.containers.filter((c) => c.limits.memory === undefined).map((c) => c.name);
  if (wasOomKilled(pod)) {
    return {
      level: 'warn',
      text: `${pod.name} was OOMKilled: a container went over its memory limit (${restarts(pod)} restarts).`,
    };
  }
  if (!isReady(pod)) return { level: 'bad', text: `${pod.name} is not ready (${podStatus(pod)}).` };
  if (missingLimit.length > 0) {
    return {
      level: 'warn',
      text: `${pod.name} is running, but ${missingLimit.join(', ')} has no memory limit.`,
    };
  }
  return { level: 'ok', text: `${pod.name} is running and ready.` };
}

const eventRow = (e: KubeEvent, now: Date): string[] => [
  e.lastSeen ? formatDurationShort(now.getTime() - e.lastSeen.getTime()) : '?',
  e.type,
  e.reason,
  e.count > 1 ? `×${e.count}` : '',
  shorten(e.message, 140),
];

export const k8sDescribe = defineCommand('k8s describe', async ({ args, services }) => {
  const kube = kubeOf(services);
  // `pod` is a DNS label (checked by the grammar, and again by the adapter before the path and the
  // events field selector are written).
  const pod = await kube.getPod(args.pod);
  if (!pod)
    throw notFound(
      `There is no pod ${args.pod} in namespace ${kube.namespace}. List them with \`k8s pods\`.`,
    );
  const events = await kube.podEvents(pod.name);
  const now = services.now();
  const { level, text } = podVerdict(pod);
  return diagnosis(`Pod ${pod.name}`, verdict(level, text), [
    {
      kind: 'fields',
      fields: [
        { label: 'Namespace', value: pod.namespace },
        { label: 'Status', value: `${podStatus(pod)}, ${readyCount(pod)} ready` },
        { label: 'Node', value: pod.nodeName ?? '—' },
        { label: 'Age', value: age(pod, now) },
        { label: 'Deployment', value: pod.deployment ?? '—' },
        { label: 'Restarts', value: String(restarts(pod)) },
      ],
    },
    table(
      ['container', 'state', 'restarts', 'cpu req / limit', 'memory req / limit', 'last termination'],
      containerRows(pod, now),
    ),
    events.length === 0
      ? { kind: 'context', text: 'No recent events (the API keeps them for about an hour).' }
      : table(
          ['age', 'type', 'reason', 'count', 'message'],
          events.map((e) => eventRow(e, now)),
          MAX_EVENTS,
        ),
  ]);
});
