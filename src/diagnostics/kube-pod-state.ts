// How a pod reads at a glance, as kubectl shows it: status, ready containers, restarts, the last
// termination (OOMKilled…) and age. Shared by `k8s pods`, `k8s describe` and `k8s dns`.
import type { Block } from '../chat/message.js';
import { formatDurationShort } from '../core/duration.js';
import type { ContainerTermination, KubePod } from '../targets/targets.js';
import { table } from './verdict.js';

/** A waiting or terminated reason (CrashLoopBackOff, OOMKilled) says more than the phase. */
export function podStatus(pod: KubePod): string {
  const reason = pod.statuses.find((s) => s.state !== 'running' && s.stateReason)?.stateReason;
  return reason ?? pod.phase;
}

export function readyCount(pod: KubePod): string {
  const total = Math.max(pod.containers.length, pod.statuses.length);
  return `${pod.statuses.filter((s) => s.ready).length}/${total}`;
}

export function isReady(pod: KubePod): boolean {
  return pod.phase === 'Running' && pod.statuses.length > 0 && pod.statuses.every((s) => s.ready);
}

export function restarts(pod: KubePod): number {
  return pod.statuses.reduce((sum, s) => sum + s.restartCount, 0);
}

/** The most recent termination of any container of the pod. */
export function lastTermination(pod: KubePod): ContainerTermination | undefined {
  const all = pod.statuses.flatMap((s) => (s.lastTermination ? [s.lastTermination] : []));
  return all.sort((a, b) => (b.finishedAt?.getTime() ?? 0) - (a.finishedAt?.getTime() ?? 0))[0];
}

export function wasOomKilled(pod: KubePod): boolean {
  return pod.statuses.some((s) => s.lastTermination?.reason === 'OOMKilled' || s.stateReason === 'OOMKilled');
}

/** "OOMKilled (exit 137) 12m ago", or "" when the pod never stopped. */
export function describeTermination(t: ContainerTermination | undefined, now: Date): string {
  if (!t) return '';
  const when = t.finishedAt ? ` ${formatDurationShort(now.getTime() - t.finishedAt.getTime())} ago` : '';
  return `${t.reason ?? 'terminated'} (exit ${t.exitCode})${when}`;
}

export function age(pod: KubePod, now: Date): string {
  return pod.createdAt ? formatDurationShort(now.getTime() - pod.createdAt.getTime()) : '?';
}

/** The pods as a table, as `kubectl get pods` shows them plus the last termination; `first` names
 * the first column ("pod", "CoreDNS pod"). */
export function podTable(first: string, pods: readonly KubePod[], now: Date): Block {
  return table(
    [first, 'status', 'ready', 'restarts', 'last termination', 'age'],
    pods.map((p) => [
      p.name,
      podStatus(p),
      readyCount(p),
      String(restarts(p)),
      describeTermination(lastTermination(p), now),
      age(p, now),
    ]),
  );
}
