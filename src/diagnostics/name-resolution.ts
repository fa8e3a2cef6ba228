// The names `k8s dns` resolves from the bot itself, and what their failures mean: the services'
// cluster names (in the cluster) and the hosts of the configured targets, or OATIE_DNS_NAMES.
import type { Block } from '../chat/message.js';
import type { Config } from '../config/env.js';
import type { NameResolver, Resolution, ResolveFailure } from '../targets/targets.js';
import { formatMs, table, verdict, type Finding } from './verdict.js';

const TARGET_URLS = [
  'OATIE_DATABASE_URL',
  'OATIE_REDIS_URL',
  'OATIE_API_URL',
  'ORACLE_BI_URL',
  'OATIE_ELASTICSEARCH_URL',
] as const;

/** A host that needs no DNS: an IPv4 or IPv6 literal. */
const isAddress = (host: string): boolean => /^[\d.]+$/.test(host) || host.includes(':');

/** OATIE_DNS_NAMES, else the services' cluster names (in the cluster) and the targets' host names. */
export function namesToResolve(config: Config): string[] {
  if (config.OATIE_DNS_NAMES) return config.OATIE_DNS_NAMES;
  const cluster = config.OATIE_KUBE_IN_CLUSTER
    ? config.OATIE_PLATFORM_SERVICES.map((s) => `${s}.${config.OATIE_NAMESPACE}.svc.cluster.local`)
    : [];
  const hosts = TARGET_URLS.flatMap((key) => {
    const url = config[key];
    if (url === undefined) return [];
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === '' || isAddress(host) ? [] : [host];
  });
  return [...new Set([...cluster, ...hosts])];
}

function failureText(failure: ResolveFailure, code: string, timeoutMs: number): string {
  switch (failure) {
    case 'nxdomain':
      return 'no such name (NXDOMAIN): a wrong name, namespace or search domain, or the service is gone';
    case 'no-address':
      return 'the name exists but has no address record';
    case 'timeout':
      return `no answer within ${formatMs(timeoutMs)} (timeout): the DNS server is down or unreachable — check CoreDNS and the network policies towards it`;
    case 'servfail':
      return 'the DNS server could not answer (SERVFAIL or temporary failure): CoreDNS or its upstream is failing';
    case 'refused':
      return 'the DNS server refused the query';
    case 'error':
      return `the lookup failed (${code})`;
  }
}

function stateOf(r: Resolution, timeoutMs: number): Finding {
  if (r.ok) {
    const shown = r.addresses.slice(0, 3).join(', ') + (r.addresses.length > 3 ? ', …' : '');
    return { level: 'ok', text: shown };
  }
  return { level: 'bad', text: failureText(r.failure, r.code, timeoutMs) };
}

export interface NameChecks {
  failing: string[];
  /** "report-service.oatie.svc.cluster.local (NXDOMAIN), redis (timeout)". */
  summary: string;
  blocks: Block[];
}

const SHORT: Record<ResolveFailure, string> = {
  nxdomain: 'NXDOMAIN',
  'no-address': 'no address',
  timeout: 'timeout',
  servfail: 'SERVFAIL',
  refused: 'refused',
  error: 'error',
};

/** Resolves every name at once, each bounded by the resolver's timeout. */
export async function checkNames(resolver: NameResolver, names: readonly string[]): Promise<NameChecks> {
  if (names.length === 0)
    return {
      failing: [],
      summary: '',
      blocks: [
        {
          kind: 'context',
          text: 'No names to resolve from the bot: set OATIE_DNS_NAMES (or configure targets by host name).',
        },
      ],
    };
  const results = await Promise.all(names.map(async (name) => ({ name, r: await resolver.resolve(name) })));
  const failing = results.flatMap(({ name, r }) => (r.ok ? [] : [`${name} (${SHORT[r.failure]})`]));
  return {
    failing,
    summary: failing.join(', '),
    blocks: [
      table(
        [`name (from the bot, ${resolver.description})`, 'resolves to'],
        results.map(({ name, r }) => {
          const state = stateOf(r, resolver.timeoutMs);
          return [name, verdict(state.level, state.text)];
        }),
      ),
    ],
  };
}
