// Oracle BI Publisher reached directly (ORACLE_BI_URL): is PublicReportService reachable, and how fast?
// Any HTTP answer means reachable (401 only says it wants credentials, which the bot does not send);
// no answer is named: refused, timed out, name not resolved, TLS.
import { networkError } from './network-error.js';
import type { OracleBiProbe, OracleBiTarget } from './oatie-api-port.js';

export interface OracleBiSettings {
  url: string;
  timeoutMs: number;
}

const SERVICE_PATH = 'xmlpserver/services/PublicReportService';
const MAX_SNIFF_BYTES = 4096;

export class OracleBiPublisher implements OracleBiTarget {
  readonly description: string;
  private readonly serviceUrl: URL;
  private readonly what: string;

  constructor(private readonly settings: OracleBiSettings) {
    const base = new URL(settings.url);
    base.username = '';
    base.password = '';
    base.pathname = base.pathname.endsWith('/') ? base.pathname : `${base.pathname}/`;
    this.serviceUrl = new URL(SERVICE_PATH, base);
    this.serviceUrl.search = '?wsdl';
    this.description = base.host;
    this.what = `Oracle BI Publisher at ${base.host}`;
  }

  async probe(): Promise<OracleBiProbe> {
    const started = performance.now();
    try {
      const response = await fetch(this.serviceUrl, {
        // A redirect (to a login page) is an answer too: reachable.
        redirect: 'manual',
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      const latencyMs = Math.round(performance.now() - started);
      // Headers arrived: reachable, even if the body then stalls past the timeout.
      const head = await readHead(response).catch(() => '');
      return { status: response.status, latencyMs, wsdl: /wsdl:definitions|<definitions/i.test(head) };
    } catch (error) {
      throw networkError(error, this.what, this.settings.timeoutMs);
    }
  }
}

/** The first few kilobytes of the body (enough to recognise a WSDL), then the rest is dropped. */
async function readHead(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  let head = '';
  const decoder = new TextDecoder();
  while (head.length < MAX_SNIFF_BYTES) {
    const { value, done } = (await reader.read()) as { value?: Uint8Array; done: boolean };
    if (done) return head;
    head += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return head;
}

export function openOracleBi(settings: OracleBiSettings): OracleBiTarget {
  return new OracleBiPublisher(settings);
}
