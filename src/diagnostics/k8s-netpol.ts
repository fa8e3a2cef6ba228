// `k8s netpol`: network policies of the namespace — which pods each selects, and what traffic it
// lets in and out (a selected pod accepts only what some policy allows).
import { shorten } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import type {
  KubeNetworkPolicy,
  LabelSelector,
  NetworkPolicyPeer,
  NetworkPolicyRule,
} from '../targets/targets.js';
import { kubeOf } from '../targets/require-target.js';
import { diagnosis, plural, table, verdict } from './verdict.js';

/** "app=oatie, tier in (api,web)"; `everything` when the selector is empty. */
export function formatSelector(selector: LabelSelector, everything: string): string {
  const parts = [
    ...Object.entries(selector.matchLabels).map(([k, v]) => `${k}=${v}`),
    ...selector.matchExpressions.map((r) =>
      r.operator === 'Exists'
        ? r.key
        : r.operator === 'DoesNotExist'
          ? `!${r.key}`
          : `${r.key} ${r.operator.toLowerCase()} (${r.values.join(',')})`,
    ),
  ];
  return parts.length === 0 ? everything : parts.join(', ');
}

function formatPeer(peer: NetworkPolicyPeer): string {
  if (peer.ipBlock) {
    const except = peer.ipBlock.except.length > 0 ? ` except ${peer.ipBlock.except.join(',')}` : '';
    return `${peer.ipBlock.cidr}${except}`;
  }
  const pods = peer.podSelector ? `pods ${formatSelector(peer.podSelector, 'all')}` : '';
  if (!peer.namespaceSelector) return pods || 'this namespace';
  const namespaces = `namespaces ${formatSelector(peer.namespaceSelector, 'all')}`;
  return pods ? `${pods} in ${namespaces}` : namespaces;
}

function formatRule(rule: NetworkPolicyRule): string {
  const peers = rule.peers.length === 0 ? 'anywhere' : rule.peers.map(formatPeer).join(' or ');
  const ports =
    rule.ports.length === 0
      ? ''
      : ` on ${rule.ports.map((p) => (p.port ? `${p.port}/${p.protocol}` : p.protocol)).join(', ')}`;
  return `${peers}${ports}`;
}

/** What one direction allows: nothing (deny all), or the union of its rules. */
function formatDirection(policy: KubeNetworkPolicy, direction: 'Ingress' | 'Egress'): string {
  if (!policy.policyTypes.includes(direction)) return 'not restricted';
  const rules = direction === 'Ingress' ? policy.ingress : policy.egress;
  if (rules.length === 0) return 'nothing (deny all)';
  return rules.map(formatRule).join('; ');
}

export const k8sNetpol = defineCommand('k8s netpol', async ({ services }) => {
  const kube = kubeOf(services);
  const policies = (await kube.listNetworkPolicies()).sort((a, b) => a.name.localeCompare(b.name));
  const title = `Network policies — ${kube.description}`;
  if (policies.length === 0) {
    const text = `No network policies in namespace ${kube.namespace}: all traffic between pods is allowed.`;
    return diagnosis(title, verdict('info', text));
  }
  const denyAll = policies.filter(
    (p) =>
      formatSelector(p.podSelector, '') === '' && p.policyTypes.includes('Ingress') && p.ingress.length === 0,
  );
  const text =
    `${plural(policies.length, 'network policy', 'network policies')} in namespace ${kube.namespace}.` +
    (denyAll.length > 0
      ? ` ${denyAll.map((p) => p.name).join(', ')} denies all ingress by default: pods accept only what another policy allows.`
      : '');
  return diagnosis(title, verdict('ok', text), [
    table(
      ['policy', 'selects pods', 'ingress from', 'egress to'],
      policies.map((p) => [
        p.name,
        formatSelector(p.podSelector, 'all pods'),
        shorten(formatDirection(p, 'Ingress'), 160),
        shorten(formatDirection(p, 'Egress'), 160),
      ]),
    ),
    {
      kind: 'context',
      text: 'Traffic to a selected pod is allowed only if some policy allows it. When a service cannot reach another, check that the caller’s labels match an “ingress from” of the callee.',
    },
  ]);
});
