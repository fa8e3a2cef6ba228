// Deployments fixes may touch: only those of the policy's allowlist, in the namespace it names.
import { badArgument, notFound } from '../core/errors.js';
import type { Policy } from '../config/policy.js';
import type { KubeDeployment, KubeTarget } from '../targets/targets.js';

export interface AllowedDeployment {
  name: string;
  namespace: string;
}

export function allowedDeployment(policy: Policy, name: string): AllowedDeployment {
  const entry = policy.kubernetes.deployments.find((d) => d.name === name);
  if (!entry) {
    const list = policy.kubernetes.deployments.map((d) => `${d.name} (${d.namespace})`).join(', ');
    throw badArgument(
      `${name} is not on the allowlist of deployments fixes may touch: ${list || 'none'} (policy kubernetes.deployments).`,
    );
  }
  return { name: entry.name, namespace: entry.namespace };
}

export async function liveDeployment(kube: KubeTarget, allowed: AllowedDeployment): Promise<KubeDeployment> {
  const deployment = await kube.getDeployment(allowed.name, allowed.namespace);
  if (!deployment)
    throw notFound(`There is no deployment ${allowed.namespace}/${allowed.name} in ${kube.description}.`);
  return deployment;
}
