// POST /webhooks/alertmanager: Prometheus Alertmanager's webhook (version 4). The bearer token is
// checked (in constant time) before the body is read; the body is bounded, parsed and validated;
// a malformed one gets a 400 with the reason, an unposted one a 503 so Alertmanager sends it again.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { alertmanagerPayload, payloadProblem, receiveAlerts } from '../alerts/index.js';
import type { Services } from '../core/services.js';
import { describeError } from '../core/errors.js';
import type { HttpServer } from './server.js';

export const ALERTMANAGER_PATH = '/webhooks/alertmanager';
/** Alertmanager groups at most a few hundred alerts; a megabyte is plenty. */
const BODY_LIMIT = 1024 * 1024;

function answer(
  res: ServerResponse,
  status: number,
  value: object,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

/** Compares a presented bearer token with the expected one in constant time (digests of equal length). */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected)) && presented !== '';
}

async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > BODY_LIMIT) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = services.config.ALERTMANAGER_TOKEN;
  if (token === undefined)
    return answer(res, 503, { error: 'alert intake is not configured: set ALERTMANAGER_TOKEN' });
  if (!bearerMatches(req.headers.authorization, token))
    return answer(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
  const text = await readBody(req);
  if (text === undefined) return answer(res, 413, { error: `the body is larger than ${BODY_LIMIT} bytes` });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return answer(res, 400, { error: 'the body is not JSON' });
  }
  const parsed = alertmanagerPayload.safeParse(json);
  if (!parsed.success) return answer(res, 400, { error: payloadProblem(parsed.error) });
  try {
    const group = await services.work.track(receiveAlerts(services, parsed.data));
    answer(res, 200, { status: 'ok', alertGroup: group.id, state: group.status });
  } catch (error) {
    services.log.warn({ err: describeError(error) }, 'alert intake failed');
    answer(res, 503, { error: 'the alert could not be posted now; send it again' });
  }
}

/** Adds the webhook routes of the core to the process's HTTP server. */
export function serveWebhooks(http: HttpServer, services: Services): void {
  http.route('POST', ALERTMANAGER_PATH, (req, res) => handle(services, req, res));
}
