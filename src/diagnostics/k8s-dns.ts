// `k8s dns`: DNS issues — do the platform's names resolve from the bot's own resolver (and if not: no
// such name, or no answer), are the CoreDNS pods running and ready, and do the platform's services
// (OATIE_PLATFORM_SERVICES, default postgres and redis) have ready endpoints to resolve to?
import type { Block } from '../chat/message.js';
import { defineCommand } from '../commands/handler.js';
import type { Services } from '../core/services.js';
import type { KubePod, ServiceEndpoints } from '../targets/targets.js';
import { TARGET_VARIABLES } from '../targets/require-target.js';
import { checkNames, namesToResolve, type NameChecks } from './name-resolution.js';
import { isReady, podTable } from './kube-pod-state.js';
import { diagnosis, table, verdict, worst, type Finding } from './verdict.js';

export const DNS_NAMESPACE = 'kube-system';
// Both CoreDNS and the older kube-dns carry this label, so one selector finds either.
const DNS_SELECTOR = { matchLabels: { 'k8s-app': 'kube-dns' }, matchExpressions: [] };

function dnsVerdict(pods: KubePod[]): Finding {
  if (pods.length === 0)
    return {
      level: 'bad',
      text: `No CoreDNS pods in ${DNS_NAMESPACE} (label k8s-app=kube-dns): names cannot resolve.`,
    };
  const ready = pods.filter(isReady).length;
  if (ready === 0) {
    const none =
      pods.length === 1
        ? 'The only CoreDNS pod is not ready'
        : `None of the ${pods.length} CoreDNS pods is ready`;
    return { level: 'bad', text: `${none}: names cannot resolve.` };
  }
  if (ready < pods.length)
    return { level: 'warn', text: `${ready} of ${pods.length} CoreDNS pods are ready.` };
  return { level: 'ok', text: `CoreDNS is healthy: ${ready} of ${pods.length} pods ready.` };
}

function serviceState(s: ServiceEndpoints): Finding {
  if (!s.exists) return { level: 'bad', text: 'no such service: its name does not resolve' };
  if (s.ready.length === 0) {
    const waiting = s.notReady.length > 0 ? ` (${s.notReady.length} not ready)` : '';
    return {
      level: 'bad',
      text: `no ready endpoints${waiting}: the name resolves, but nothing answers behind it`,
    };
  }
  const shown = s.ready.slice(0, 3).join(', ') + (s.ready.length > 3 ? ', …' : '');
  const notReady = s.notReady.length > 0 ? `; ${s.notReady.length} not ready` : '';
  return {
    level: s.notReady.length > 0 ? 'warn' : 'ok',
    text: `${s.ready.length} ready (${shown})${notReady}`,
  };
}

function withBrokenServices(dns: Finding, broken: string[]): string {
  if (dns.level !== 'ok') return `${dns.text} Services without ready endpoints: ${broken.join(', ')}.`;
  const verb = broken.length === 1 ? 'has' : 'have';
  return `${dns.text.replace(/\.$/, '')}; but ${broken.join(', ')} ${verb} no ready endpoints.`;
}

interface ClusterDns {
  finding: Finding;
  blocks: Block[];
}

async function clusterDns(services: Services): Promise<ClusterDns | undefined> {
  const kube = services.targets.kube;
  if (!kube) return undefined;
  const names = services.config.OATIE_PLATFORM_SERVICES;
  const [pods, endpoints] = await Promise.all([
    kube.listPods({ namespace: DNS_NAMESPACE, selector: DNS_SELECTOR }),
    Promise.all(names.map((name) => kube.serviceEndpoints(name))),
  ]);
  const now = services.now();
  const dns = dnsVerdict(pods);
  const states = endpoints.map((s) => ({ service: s, ...serviceState(s) }));
  const broken = states.filter((s) => s.level === 'bad').map((s) => s.service.name);
  const level = worst([dns.level, ...states.map((s) => s.level)]);
  const text = broken.length === 0 ? dns.text : withBrokenServices(dns, broken);
  return {
    finding: { level, text },
    blocks: [
      ...(pods.length > 0 ? [podTable('CoreDNS pod', pods, now)] : []),
      table(
        [`service (${kube.namespace})`, 'endpoints'],
        states.map((s) => [s.service.name, verdict(s.level, s.text)]),
      ),
      {
        kind: 'context',
        text: 'A service without ready endpoints has no pod matching its selector, or none passing its readiness probe: see `k8s pods`. Set the services checked with OATIE_PLATFORM_SERVICES.',
      },
    ],
  };
}

/** One verdict from both halves: what the bot could not resolve, then the cluster's side. */
function combined(names: NameChecks, cluster: ClusterDns | undefined): Finding {
  const unresolved =
    names.failing.length === 0
      ? undefined
      : `${names.failing.length === 1 ? 'One name does' : `${names.failing.length} names do`} not resolve from the bot: ${names.summary}.`;
  if (!cluster)
    return unresolved
      ? { level: 'bad', text: unresolved }
      : { level: 'ok', text: 'Every name resolves from the bot.' };
  if (!unresolved) return cluster.finding;
  return { level: 'bad', text: `${unresolved} ${cluster.finding.text}` };
}

export const k8sDns = defineCommand('k8s dns', async ({ services }) => {
  const resolver = services.targets.dns;
  const [names, cluster] = await Promise.all([
    resolver ? checkNames(resolver, namesToResolve(services.config)) : undefined,
    clusterDns(services),
  ]);
  const checked = names ?? { failing: [], summary: '', blocks: [] };
  const where = services.targets.kube?.description ?? 'from the bot';
  const notInCluster: Block[] = cluster
    ? []
    : [
        {
          kind: 'context',
          text: `Kubernetes is not configured (${TARGET_VARIABLES.kube}): CoreDNS and the services' endpoints are not checked.`,
        },
      ];
  return diagnosis(`DNS — ${where}`, combined(checked, cluster), [
    ...checked.blocks,
    ...(cluster?.blocks ?? []),
    ...notInCluster,
  ]);
});
