// The strategic-merge patch k8s restart and k8s set-memory send to an allowlisted deployment: how the
// card shows it (exactly the body that will be sent), then the patch applied and its rollout watched.
import type { Services } from '../core/services.js';
import { kubeOf } from '../targets/require-target.js';
import type { KubeDeployment, KubeTarget } from '../targets/targets.js';
import type { AllowedDeployment } from './allowed-deployment.js';
import { watchRollout, type RolloutOutcome } from './rollout-watch.js';

/** The plan's statement and target for `patch` on `deployment`. */
export function shownPatch(
  kube: KubeTarget,
  deployment: AllowedDeployment,
  patch: object,
): { statement: string; target: string } {
  const where = `${deployment.namespace}/${deployment.name}`;
  return {
    statement: `PATCH deployment ${where} (strategic merge)\n${JSON.stringify(patch)}`,
    target: `${kube.description}, deployment ${where}`,
  };
}

/** Sends the approved patch, then watches the rollout for at most OATIE_ROLLOUT_WATCH_MS. */
export async function patchAndWatch(
  services: Services,
  { name, namespace, patch }: AllowedDeployment & { patch: object },
): Promise<{ patched: KubeDeployment; rollout: RolloutOutcome }> {
  const kube = kubeOf(services);
  const patched = await kube.patchDeployment(name, patch, { strategy: 'strategic-merge', namespace });
  const rollout = await watchRollout(
    kube,
    { name, namespace },
    patched.generation,
    services.config.OATIE_ROLLOUT_WATCH_MS,
  );
  return { patched, rollout };
}
