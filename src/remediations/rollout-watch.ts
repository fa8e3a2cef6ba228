// Watching a rollout after a patch, as `kubectl rollout status` does: done when the controller has
// seen the new spec and every replica is updated and available; stuck when its deadline passed or
// our bounded wait (OATIE_ROLLOUT_WATCH_MS) ran out.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeDeployment, KubeTarget } from '../targets/targets.js';
import { elapsed } from './elapsed.js';
import type { AllowedDeployment } from './allowed-deployment.js';

export interface RolloutOutcome {
  done: boolean;
  status: string;
}

const progress = (d: KubeDeployment): string =>
  `${d.status.updatedReplicas}/${d.replicas} updated, ${d.status.availableReplicas} available, ${d.status.unavailableReplicas} unavailable`;

function rolloutState(d: KubeDeployment, generation: number): 'done' | 'waiting' | { stuck: string } {
  const deadline = d.status.conditions.find(
    (c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded',
  );
  if (deadline)
    return { stuck: `ProgressDeadlineExceeded${deadline.message ? `: ${deadline.message}` : ''}` };
  if (d.status.observedGeneration < generation) return 'waiting';
  const { updatedReplicas, replicas, availableReplicas } = d.status;
  if (updatedReplicas < d.replicas || replicas > updatedReplicas || availableReplicas < updatedReplicas)
    return 'waiting';
  return 'done';
}

export async function watchRollout(
  kube: KubeTarget,
  target: AllowedDeployment,
  generation: number,
  watchMs: number,
): Promise<RolloutOutcome> {
  const started = Date.now();
  const pollMs = Math.min(2000, Math.max(100, Math.round(watchMs / 30)));
  let last: KubeDeployment | undefined;
  for (;;) {
    last = (await kube.getDeployment(target.name, target.namespace)) ?? last;
    if (!last) return { done: false, status: 'the deployment disappeared during the rollout' };
    const state = rolloutState(last, generation);
    const took = elapsed(Date.now() - started);
    if (state === 'done') return { done: true, status: `rollout done in ${took}: ${progress(last)}` };
    if (state !== 'waiting')
      return { done: false, status: `rollout stuck after ${took} (${state.stuck}): ${progress(last)}` };
    if (Date.now() - started + pollMs > watchMs)
      return { done: false, status: `rollout not finished after ${took}: ${progress(last)}` };
    await sleep(pollMs);
  }
}
