// `k8s restart <deployment>`: a rollout restart of an allowlisted deployment (the restartedAt
// annotation kubectl writes), then the rollout watched until done or stuck. Runs only on the very
// deployment planned, as it was: not replaced, not restarted or changed since.
import { z } from 'zod';
import type { KubeDeployment } from '../targets/targets.js';
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
/** The deployment as planned: its object (uid), its spec version (generation), its last restart. */
const planned = z.object({ uid: z.string(), generation: z.number(), restartedAt: z.string().nullable() });
type Planned = z.infer<typeof planned>;
const restartData = z.object({
  name: z.string(),
  namespace: z.string(),
  patch: restartPatch,
  planned,
});

const plannedOf = (d: KubeDeployment): Planned => ({
  uid: d.uid,
  generation: d.generation,
  restartedAt: d.templateAnnotations[RESTARTED_AT] ?? null,
});

/** What changed since the plan, in words for the card; undefined when nothing did. */
function changedSince(before: Planned, now: Planned, where: string): string | undefined {
  const why = 'the deployment was restarted or replaced since the plan';
  if (now.uid !== before.uid) return `${why}: ${where} is a new object (its uid changed).`;
  if (now.restartedAt !== before.restartedAt)
    return `${why}: restarted at ${now.restartedAt ?? 'an unknown time'} (the plan saw ${before.restartedAt ?? 'no restart'}).`;
  if (now.generation !== before.generation)
    return `${why}: its spec changed (generation ${before.generation} → ${now.generation}).`;
  return undefined;
}

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
        {
          label: 'Runs only if',
          value: `the deployment is still object ${deployment.uid}, at generation ${deployment.generation}, not restarted since`,
        },
      ],
      data: { ...allowed, patch, planned: plannedOf(deployment) },
    };
  },
  async recheck(plan, { services }) {
    const allowed = allowedDeployment(services.policy, plan.data.name);
    if (allowed.namespace !== plan.data.namespace)
      return { ok: false, reason: 'the allowlist now names another namespace.' };
    const now = plannedOf(await liveDeployment(kubeOf(services), allowed));
    const changed = changedSince(plan.data.planned, now, `${allowed.namespace}/${allowed.name}`);
    return changed === undefined ? { ok: true } : { ok: false, reason: changed };
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
