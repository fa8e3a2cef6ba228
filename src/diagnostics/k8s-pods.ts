// `k8s pods [--app <name>]`: high memory use and restarts — each pod's status, restarts, last
// termination (OOMKilled) and age; offers to restart an allowlisted deployment whose pods were OOMKilled.
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import type { Services } from '../core/services.js';
import type { KubePod, LabelSelector } from '../targets/targets.js';
import { fixOffer, type OfferedFix } from './fix-button.js';
import { isReady, podTable, restarts, wasOomKilled } from './kube-pod-state.js';
import { kubeOf } from '../targets/require-target.js';
import { diagnosis, plural, verdict, type Finding } from './verdict.js';

const MAX_BUTTONS = 3;

const needsAttention = (pod: KubePod): boolean => !isReady(pod) || wasOomKilled(pod);

function byConcern(a: KubePod, b: KubePod): number {
  return (
    Number(needsAttention(b)) - Number(needsAttention(a)) ||
    restarts(b) - restarts(a) ||
    a.name.localeCompare(b.name)
  );
}

function podsVerdict(pods: KubePod[], where: string): Finding {
  if (pods.length === 0) return { level: 'info', text: `No pods ${where}.` };
  const oom = pods.filter(wasOomKilled);
  const notReady = pods.filter((p) => !isReady(p));
  if (oom.length === 0 && notReady.length === 0) {
    return { level: 'ok', text: `All ${plural(pods.length, 'pod', 'pods')} ${where} are running and ready.` };
  }
  const parts: string[] = [];
  if (oom.length > 0) {
    const deployments = [...new Set(oom.map((p) => p.deployment ?? p.name))].join(', ');
    parts.push(`${plural(oom.length, 'pod was', 'pods were')} OOMKilled (${deployments})`);
  }
  if (notReady.length > 0) parts.push(`${plural(notReady.length, 'pod is', 'pods are')} not ready`);
  return { level: notReady.length > 0 ? 'bad' : 'warn', text: `${parts.join('; ')} ${where}.` };
}

/** Restart buttons for the OOMKilled pods' deployments that the policy allows fixes to touch. */
function restartOffers(services: Services, pods: KubePod[]): Promise<Block[]> {
  const allowed = services.policy.kubernetes.deployments;
  const deployments = [
    ...new Set(
      pods
        .filter(wasOomKilled)
        .flatMap((p) =>
          p.deployment && allowed.some((d) => d.name === p.deployment && d.namespace === p.namespace)
            ? [p.deployment]
            : [],
        ),
    ),
  ].slice(0, MAX_BUTTONS);
  const fixes = deployments.map((deployment): OfferedFix => ({
    label: `Restart ${deployment}`,
    proposal: { command: 'k8s restart', args: { deployment } },
  }));
  return fixOffer(
    services,
    fixes,
    'A restart frees the memory for now and needs the approval of someone else; `k8s set-memory` raises the limit.',
  );
}

export const k8sPods = defineCommand('k8s pods', async ({ args, services }) => {
  const kube = kubeOf(services);
  // `app` passed the grammar's DNS-label check (zod) before it gets here; it goes to the adapter as a
  // matchLabels value, and the adapter writes the selector from that structure, checking it again.
  const selector: LabelSelector | undefined =
    args.app === undefined ? undefined : { matchLabels: { app: args.app }, matchExpressions: [] };
  const pods = (await kube.listPods({ selector })).sort(byConcern);
  const now = services.now();
  const where = `in namespace ${kube.namespace}${args.app === undefined ? '' : ` with app=${args.app}`}`;
  const { level, text } = podsVerdict(pods, where);
  const blocks: Block[] = pods.length > 0 ? [podTable('pod', pods, now)] : [];
  if (pods.some(wasOomKilled)) {
    blocks.push({
      kind: 'context',
      text: 'OOMKilled: a container went over its memory limit and was killed. Compare use and limits with `k8s top pods`; see a pod’s limits and events with `k8s describe <pod>`.',
    });
  }
  blocks.push(...(await restartOffers(services, pods)));
  const title = `Pods — ${kube.description}${args.app === undefined ? '' : `, app=${args.app}`}`;
  return diagnosis(title, verdict(level, text), blocks);
});
