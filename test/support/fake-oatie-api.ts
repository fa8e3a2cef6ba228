// A fake Oatie API: report executions, /health, /api/v1/health/oracle-bi and /metrics, answering
// only the right Bearer token; it can be told to fail (HTTP 500) or to hang (`hang`).
import { HttpFake, json, type Answer, type RecordedRequest } from './http-fake.js';

export const FAKE_API_TOKEN = 'test-api-token-3b1f';

export class FakeOatieApi extends HttpFake {
  /** Executions by report id, as the API writes them (snake_case). */
  executions: Record<string, unknown[]> = {};
  health: { status: number; body: unknown } = {
    status: 200,
    body: {
      status: 'healthy',
      timestamp: new Date().toISOString(),
      checks: { database: true, redis: true, oracle_bi: true },
    },
  };
  oracleBi: { status: number; body: unknown } = { status: 200, body: { status: 'healthy', latency_ms: 84 } };
  metricsText = [
    '# HELP process_resident_memory_bytes Resident memory size in bytes.',
    '# TYPE process_resident_memory_bytes gauge',
    'process_resident_memory_bytes 327155712',
    'http_requests_total{method="GET",endpoint="/api/v1/reports"} 1027',
    '',
  ].join('\n');
  /** Answer every request with HTTP 500. */
  fail = false;

  static start(): Promise<FakeOatieApi> {
    return new FakeOatieApi().start();
  }

  env(extra: Record<string, string> = {}): Record<string, string> {
    return { OATIE_API_URL: this.url, OATIE_API_TOKEN: FAKE_API_TOKEN, ...extra };
  }

  protected override answer(r: RecordedRequest): Answer | undefined {
    if (r.headers.authorization !== `Bearer ${FAKE_API_TOKEN}`) return json(401, { detail: 'Invalid token' });
    if (this.fail) return json(500, { detail: 'internal error' });
    if (r.path === '/health') return json(this.health.status, this.health.body);
    if (r.path === '/api/v1/health/oracle-bi') return json(this.oracleBi.status, this.oracleBi.body);
    if (r.path === '/metrics')
      return { status: 200, body: this.metricsText, contentType: 'text/plain; version=0.0.4' };
    const m = /^\/api\/v1\/reports\/([^/]+)\/executions$/.exec(r.path);
    if (m) {
      const found = this.executions[decodeURIComponent(m[1] ?? '')];
      return found ? json(200, { executions: found }) : json(404, { detail: 'Report not found' });
    }
    return undefined;
  }
}
