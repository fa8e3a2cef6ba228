// Oracle BI Publisher reached directly (ORACLE_BI_URL): is PublicReportService reachable, and how fast?
// Any HTTP answer means reachable (401 only says it wants credentials, which the bot does not send);
// no answer is named: refused, timed out, name not resolved, TLS.
import { baseUrl, callTarget, type HttpTarget } from './http-call.js';
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
  private readonly target: HttpTarget;

  constructor(settings: OracleBiSettings) {
    const base = baseUrl(settings.url);
    this.serviceUrl = new URL(SERVICE_PATH, base);
    this.serviceUrl.search = '?wsdl';
    this.description = base.host;
    this.target = { what: `Oracle BI Publisher at ${base.host}`, timeoutMs: settings.timeoutMs };
  }

  probe(): Promise<OracleBiProbe> {
    const started = performance.now();
    // A redirect (to a login page) is an answer too: reachable.
    return callTarget(this.target, this.serviceUrl, { redirect: 'manual' }, async (response) => {
      const latencyMs = Math.round(performance.now() - started);
      // Headers arrived: reachable, even if the body then stalls past the timeout.
      const head = await readHead(response).catch(() => '');
      return { status: response.status, latencyMs, wsdl: /wsdl:definitions|<definitions/i.test(head) };
    });
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
