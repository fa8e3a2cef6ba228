// The bot's resolver through node:dns: the system's (getaddrinfo, as the bot's own connections resolve:
// /etc/hosts, search domains) or, with OATIE_DNS_SERVERS, those servers asked directly. Every lookup is
// bounded by a timeout; DNS error codes become the failures people can act on.
import { lookup, Resolver } from 'node:dns/promises';
import type { NameResolver, Resolution, ResolveFailure } from './name-resolver-port.js';

const FAILURES: Record<string, ResolveFailure> = {
  ENOTFOUND: 'nxdomain',
  ENODATA: 'no-address',
  ETIMEOUT: 'timeout',
  // getaddrinfo's "temporary failure in name resolution": no server answered, or one said SERVFAIL.
  EAI_AGAIN: 'servfail',
  ESERVFAIL: 'servfail',
  EREFUSED: 'refused',
  ECONNREFUSED: 'refused',
};

function failed(error: unknown): Resolution {
  const code =
    typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string'
      ? (error as { code: string }).code
      : 'ERROR';
  return { ok: false, failure: FAILURES[code] ?? 'error', code };
}

/** `work`, or a timeout failure after `timeoutMs` (getaddrinfo itself has no timeout). */
async function bounded(work: Promise<string[]>, timeoutMs: number): Promise<Resolution> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Resolution>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, failure: 'timeout', code: 'ETIMEOUT' }), timeoutMs);
  });
  try {
    return await Promise.race([
      work.then((addresses): Resolution => ({ ok: true, addresses }), failed),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function openNameResolver(options: { servers?: readonly string[]; timeoutMs: number }): NameResolver {
  const { servers, timeoutMs } = options;
  if (servers === undefined || servers.length === 0) {
    return {
      description: 'the system resolver',
      timeoutMs,
      resolve: (name) =>
        bounded(
          lookup(name, { all: true }).then((all) => all.map((a) => a.address)),
          timeoutMs,
        ),
    };
  }
  const resolver = new Resolver({ timeout: timeoutMs, tries: 1 });
  resolver.setServers([...servers]);
  return {
    description: `DNS servers ${servers.join(', ')}`,
    timeoutMs,
    resolve: (name) =>
      bounded(
        resolver.resolve4(name).catch(async (error: unknown) => {
          // A name with only an IPv6 address answers "no data" for A records.
          if ((error as { code?: unknown }).code === 'ENODATA') return resolver.resolve6(name);
          throw error;
        }),
        timeoutMs + 500,
      ),
  };
}
