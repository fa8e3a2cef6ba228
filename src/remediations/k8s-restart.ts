// `k8s restart <deployment>`: a rollout restart of an allowlisted deployment (the restartedAt
// annotation kubectl writes), then the rollout watched until done or stuck.
import { z } from 'zod';
import { kubeOf } from '../targets/require-target.js';
import { allowedDeployment, liveDeployment } from './allowed-deployment.js';
import { patchAndWatch, shownPatch } from './deployment-patch.js';
import { defineFix } from './remediation.js';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

const restartPatch = z.object({
  spec: z.object({
    template: z.object({ metadata: z.object({ annotations: z.record(z.string(), z.string()) }) }),
  }),
});
const restartData = z.object({ name: z.string(), namespace: z.string(), patch: restartPatch });

export const k8sRestart = defineFix({
  command: 'k8s restart',
  risk: 'medium',
  data: restartData,
  async plan({ args, services }) {
    const kube = kubeOf(services);
    const allowed = allowedDeployment(services.policy, args.deployment);
    const deployment = await liveDeployment(kube, allowed);
    // The time of the request: the card shows exactly the body that will be sent.
    const patch = {
      spec: { template: { metadata: { annotations: { [RESTARTED_AT]: services.now().toISOString() } } } },
    };
    return {
      summary: `Restart every pod of ${allowed.namespace}/${allowed.name} (rolling, like kubectl rollout restart), then watch the rollout.`,
      ...shownPatch(kube, allowed, patch),
      facts: [
        {
          label: 'Replicas',
          value: `${deployment.replicas} wanted, ${deployment.status.availableReplicas} available`,
        },
        {
          label: 'Last restart',
          value: deployment.templateAnnotations[RESTARTED_AT] ?? 'never (by kubectl)',
        },
      ],
      data: { ...allowed, patch },
    };
  },
  async recheck(plan, { services }) {
    const allowed = allowedDeployment(services.policy, plan.data.name);
    await liveDeployment(kubeOf(services), allowed);
    return allowed.namespace === plan.data.namespace
      ? { ok: true }
      : { ok: false, reason: 'the allowlist now names another namespace.' };
  },
  async execute(plan, { services }) {
    const { name, namespace } = plan.data;
    const { rollout } = await patchAndWatch(services, plan.data);
    return {
      ok: rollout.done,
      summary: rollout.done
        ? `${namespace}/${name} restarted; the rollout is done.`
        : `The restart of ${namespace}/${name} was applied, but the rollout is not done: ${rollout.status}.`,
      output: rollout.status,
    };
  },
});
