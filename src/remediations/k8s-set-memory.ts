// `k8s set-memory <deployment> <limit> [--request 512Mi]`: set the memory limit (and request) of an
// allowlisted deployment's container (the one named like the deployment, or the first), the limit
// between policy kubernetes.minMemoryLimit and maxMemoryLimit and never below the request; runs only on
// the very deployment planned (same uid, same generation, same limit and request), so a deployment
// deleted and created again is never patched.
import { z } from 'zod';
import { badArgument, conflict } from '../core/errors.js';
import { parseQuantity } from '../core/quantity.js';
import type { ContainerSpec, KubeDeployment } from '../targets/targets.js';
import { kubeOf } from '../targets/require-target.js';
import { allowedDeployment, liveDeployment } from './allowed-deployment.js';
import { patchAndWatch, shownPatch } from './deployment-patch.js';
import { defineFix } from './remediation.js';

type Planned = { uid: string; generation: number };

const memoryData = z.object({
  name: z.string(),
  namespace: z.string(),
  container: z.string(),
  before: z.string().nullable(),
  /** The request before and after, when the fix sets it too. */
  request: z.object({ before: z.string().nullable(), after: z.string() }).optional(),
  patch: z.record(z.string(), z.unknown()),
  /** The object planned (uid) and its spec version (generation); absent in plans of older versions. */
  planned: z.object({ uid: z.string(), generation: z.number() }).optional(),
});

/** The container a deployment's memory fix applies to: named like the deployment, else the first. */
export function mainContainer(deployment: KubeDeployment): ContainerSpec {
  const container = deployment.containers.find((c) => c.name === deployment.name) ?? deployment.containers[0];
  if (!container) throw badArgument(`${deployment.namespace}/${deployment.name} has no container.`);
  return container;
}

function checkLimit(limit: string, bounds: { min: string; max: string }): number {
  const bytes = parseQuantity(limit);
  const maxBytes = parseQuantity(bounds.max);
  if (bytes === undefined || maxBytes === undefined || bytes > maxBytes) {
    throw badArgument(`The memory limit must be at most ${bounds.max} (policy kubernetes.maxMemoryLimit).`);
  }
  const minBytes = parseQuantity(bounds.min);
  if (minBytes === undefined || bytes < minBytes) {
    throw badArgument(`The memory limit must be at least ${bounds.min} (policy kubernetes.minMemoryLimit).`);
  }
  return bytes;
}

/** The limit within the policy's bounds and not below the request (the new one, else the container's). */
function checkMemory(
  { limit, request }: { limit: string; request?: string | undefined },
  bounds: { min: string; max: string },
  container: ContainerSpec,
): void {
  const bytes = checkLimit(limit, bounds);
  if (request !== undefined) {
    if ((parseQuantity(request) ?? Infinity) > bytes)
      throw badArgument(
        `The memory request ${request} is above the limit ${limit}; a request cannot be higher than the limit.`,
      );
  } else {
    const current = container.requests.memory;
    const currentBytes = parseQuantity(current);
    if (currentBytes !== undefined && bytes < currentBytes) {
      throw badArgument(
        `${limit} is below the container's memory request (${current ?? ''}); a limit cannot be lower than the request. Lower the request too: \`--request <size>\`.`,
      );
    }
  }
  const sameRequest = request === undefined || container.requests.memory === request;
  if (container.limits.memory === limit && sameRequest)
    throw conflict(
      request === undefined
        ? `The container ${container.name} already has the memory limit ${limit}.`
        : `The container ${container.name} already has the memory limit ${limit} and the request ${request}.`,
    );
}

/** The strategic-merge patch: the limit, and the request when one is given. */
function memoryPatch(container: string, limit: string, request: string | undefined): Record<string, unknown> {
  const resources = {
    limits: { memory: limit },
    ...(request === undefined ? {} : { requests: { memory: request } }),
  };
  return { spec: { template: { spec: { containers: [{ name: container, resources }] } } } };
}

/** "the memory limit … from 1Gi to 2Gi (request 512Mi to 1Gi)" for the card's summary. */
function change(container: ContainerSpec, limit: string, request: string | undefined): string {
  const limits = `from ${container.limits.memory ?? 'none'} to ${limit}`;
  return request === undefined
    ? limits
    : `${limits}, and its request from ${container.requests.memory ?? 'none'} to ${request}`;
}

/** Why the live deployment is not the one planned, in words for the card; undefined when it is. */
function changedSince(planned: Planned | undefined, now: KubeDeployment): string | undefined {
  const where = `${now.namespace}/${now.name}`;
  if (!planned) return 'the request was planned by an older version of the bot; request it again.';
  if (now.uid !== planned.uid)
    return `the deployment was replaced since the plan: ${where} is a new object (its uid changed).`;
  if (now.generation !== planned.generation)
    return `the deployment changed since the plan: its spec changed (generation ${planned.generation} → ${now.generation}).`;
  return undefined;
}

export const k8sSetMemory = defineFix({
  command: 'k8s set-memory',
  risk: 'medium',
  data: memoryData,
  async plan({ args, services }) {
    const kube = kubeOf(services);
    const allowed = allowedDeployment(services.policy, args.deployment);
    const deployment = await liveDeployment(kube, allowed);
    const container = mainContainer(deployment);
    const { minMemoryLimit: min, maxMemoryLimit: max } = services.policy.kubernetes;
    checkMemory(args, { min, max }, container);
    const patch = memoryPatch(container.name, args.limit, args.request);
    return {
      summary: `Set the memory limit of ${container.name} in ${allowed.namespace}/${allowed.name} ${change(container, args.limit, args.request)}, then watch the rollout.`,
      ...shownPatch(kube, allowed, patch),
      facts: [
        {
          label: 'Container',
          value: `${container.name}: requests ${container.requests.memory ?? 'none'}, limit ${container.limits.memory ?? 'none'}`,
        },
        {
          label: 'Runs only if',
          value: `${allowed.namespace}/${allowed.name} is still the same object (uid ${deployment.uid}) at generation ${deployment.generation}`,
        },
      ],
      data: {
        ...allowed,
        container: container.name,
        before: container.limits.memory ?? null,
        ...(args.request === undefined
          ? {}
          : { request: { before: container.requests.memory ?? null, after: args.request } }),
        patch,
        planned: { uid: deployment.uid, generation: deployment.generation },
      },
    };
  },
  async recheck(plan, { services }) {
    const allowed = allowedDeployment(services.policy, plan.data.name);
    const deployment = await liveDeployment(kubeOf(services), allowed);
    const replaced = changedSince(plan.data.planned, deployment);
    if (replaced !== undefined) return { ok: false, reason: replaced };
    const container = deployment.containers.find((c) => c.name === plan.data.container);
    if (!container) return { ok: false, reason: `the container ${plan.data.container} no longer exists.` };
    const now = container.limits.memory ?? null;
    if (now !== plan.data.before)
      return { ok: false, reason: `the memory limit changed to ${now ?? 'none'} since the request.` };
    const request = container.requests.memory ?? null;
    if (plan.data.request && request !== plan.data.request.before)
      return { ok: false, reason: `the memory request changed to ${request ?? 'none'} since the plan.` };
    return { ok: true };
  },
  async execute(plan, { services }) {
    const { name, namespace } = plan.data;
    const { patched, rollout } = await patchAndWatch(services, plan.data);
    const container = patched.containers.find((c) => c.name === plan.data.container);
    const limit = container?.limits.memory ?? 'unknown';
    const request = plan.data.request ? ` and the request ${container?.requests.memory ?? 'unknown'}` : '';
    return {
      ok: rollout.done,
      summary: rollout.done
        ? `${namespace}/${name} now runs with the memory limit ${limit}${request}; the rollout is done.`
        : `The memory limit of ${namespace}/${name} is now ${limit}${request}, but the rollout is not done: ${rollout.status}.`,
      output: rollout.status,
    };
  },
});
