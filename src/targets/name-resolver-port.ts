// The bot's own name resolution, as a port: `k8s dns` asks it for the platform's names and says which
// fail and why. The adapter (dns-resolver.ts) uses node:dns; tests point it at a DNS server they run.

/** Why a name did not resolve, as DNS tells it apart. */
export type ResolveFailure = 'nxdomain' | 'no-address' | 'timeout' | 'servfail' | 'refused' | 'error';

export type Resolution =
  { ok: true; addresses: string[] } | { ok: false; failure: ResolveFailure; code: string };

export interface NameResolver {
  /** "the system resolver" or "DNS servers 10.96.0.10", for messages. */
  readonly description: string;
  readonly timeoutMs: number;
  resolve(name: string): Promise<Resolution>;
}
