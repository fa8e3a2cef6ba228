// `k8s set-memory <deployment> <limit>`: set the memory limit of an allowlisted deployment's container
// (the one named like the deployment, or the first), at most policy kubernetes.maxMemoryLimit.
import { z } from 'zod';
import { badArgument, conflict } from '../core/errors.js';
import { parseQuantity } from '../core/quantity.js';
import type { ContainerSpec, KubeDeployment } from '../targets/targets.js';
import { kubeOf } from '../targets/require-target.js';
import { allowedDeployment, liveDeployment } from './allowed-deployment.js';
import { patchAndWatch, shownPatch } from './deployment-patch.js';
import { defineFix } from './remediation.js';

const memoryData = z.object({
  name: z.string(),
  namespace: z.string(),
  container: z.string(),
  before: z.string().nullable(),
  patch: z.record(z.string(), z.unknown()),
});

/** The container a deployment's memory fix applies to: named like the deployment, else the first. */
export function mainContainer(deployment: KubeDeployment): ContainerSpec {
  const container = deployment.containers.find((c) => c.name === deployment.name) ?? deployment.containers[0];
  if (!container) throw badArgument(`${deployment.namespace}/${deployment.name} has no container.`);
  return container;
}

function checkLimit(limit: string, max: string, container: ContainerSpec): void {
  const bytes = parseQuantity(limit);
  const maxBytes = parseQuantity(max);
  if (bytes === undefined || maxBytes === undefined || bytes > maxBytes) {
    throw badArgument(`The memory limit must be at most ${max} (policy kubernetes.maxMemoryLimit).`);
  }
  const request = container.requests.memory;
  const requestBytes = parseQuantity(request);
  if (requestBytes !== undefined && bytes < requestBytes) {
    throw badArgument(
      `${limit} is below the container's memory request (${request ?? ''}); a limit cannot be lower than the request.`,
    );
  }
  if (container.limits.memory === limit)
    throw conflict(`The container ${container.name} already has the memory limit ${limit}.`);
}

export const k8sSetMemory = defineFix({
  command: 'k8s set-memory',
  risk: 'medium',
  data: memoryData,
  async plan({ args, services }) {
    const kube = kubeOf(services);
    const allowed = allowedDeployment(services.policy, args.deployment);
    const container = mainContainer(await liveDeployment(kube, allowed));
    checkLimit(args.limit, services.policy.kubernetes.maxMemoryLimit, container);
    const patch = {
      spec: {
        template: {
          spec: { containers: [{ name: container.name, resources: { limits: { memory: args.limit } } }] },
        },
      },
    };
    return {
      summary: `Set the memory limit of ${container.name} in ${allowed.namespace}/${allowed.name} from ${container.limits.memory ?? 'none'} to ${args.limit}, then watch the rollout.`,
      ...shownPatch(kube, allowed, patch),
      facts: [
        {
          label: 'Container',
          value: `${container.name}: requests ${container.requests.memory ?? 'none'}, limit ${container.limits.memory ?? 'none'}`,
        },
      ],
      data: { ...allowed, container: container.name, before: container.limits.memory ?? null, patch },
    };
  },
  async recheck(plan, { services }) {
    const allowed = allowedDeployment(services.policy, plan.data.name);
    const deployment = await liveDeployment(kubeOf(services), allowed);
    const container = deployment.containers.find((c) => c.name === plan.data.container);
    if (!container) return { ok: false, reason: `the container ${plan.data.container} no longer exists.` };
    const now = container.limits.memory ?? null;
    return now === plan.data.before
      ? { ok: true }
      : { ok: false, reason: `the memory limit changed to ${now ?? 'none'} since the request.` };
  },
  async execute(plan, { services }) {
    const { name, namespace } = plan.data;
    const { patched, rollout } = await patchAndWatch(services, plan.data);
    const limit = patched.containers.find((c) => c.name === plan.data.container)?.limits.memory ?? 'unknown';
    return {
      ok: rollout.done,
      summary: rollout.done
        ? `${namespace}/${name} now runs with the memory limit ${limit}; the rollout is done.`
        : `The memory limit of ${namespace}/${name} is now ${limit}, but the rollout is not done: ${rollout.status}.`,
      output: rollout.status,
    };
  },
});
