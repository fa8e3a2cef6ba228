// POST /webhooks/alertmanager: Prometheus Alertmanager's webhook (version 4). The bearer token is
// checked (in constant time) before the body is read; the body is bounded, parsed and validated;
// a malformed one gets a 400 with the reason, an unposted one a 503 so Alertmanager sends it again.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { alertmanagerPayload, payloadProblem, receiveAlerts } from '../alerts/index.js';
import type { Services } from '../core/services.js';
import { describeError } from '../core/errors.js';
import { answerJson as answer, parseJson, readRawBody } from './webhook-io.js';

export const ALERTMANAGER_PATH = '/webhooks/alertmanager';
/** Alertmanager groups at most a few hundred alerts; a megabyte is plenty. */
const BODY_LIMIT = 1024 * 1024;

/** Compares a presented bearer token with the expected one in constant time (digests of equal length). */
export function bearerMatches(header: string | undefined, expected: string): boolean {
  const presented = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(presented), digest(expected)) && presented !== '';
}

async function handle(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const token = services.config.ALERTMANAGER_TOKEN;
  if (token === undefined)
    return answer(res, 503, { error: 'alert intake is not configured: set ALERTMANAGER_TOKEN' });
  if (!bearerMatches(req.headers.authorization, token))
    return answer(res, 401, { error: 'missing or wrong bearer token' }, { 'www-authenticate': 'Bearer' });
  const raw = await readRawBody(req, BODY_LIMIT);
  if (raw === undefined) return answer(res, 413, { error: `the body is larger than ${BODY_LIMIT} bytes` });
  const json = parseJson(raw.toString('utf8'));
  if (json === undefined) return answer(res, 400, { error: 'the body is not JSON' });
  const parsed = alertmanagerPayload.safeParse(json.value);
  if (!parsed.success) return answer(res, 400, { error: payloadProblem(parsed.error) });
  try {
    const group = await services.work.track(receiveAlerts(services, parsed.data));
    answer(res, 200, { status: 'ok', alertGroup: group.id, state: group.status });
  } catch (error) {
    services.log.warn({ err: describeError(error) }, 'alert intake failed');
    answer(res, 503, { error: 'the alert could not be posted now; send it again' });
  }
}

/** Serves Alertmanager's webhook on the process's HTTP server (see webhooks.ts). */
export function handleAlertmanager(
  services: Services,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return (req, res) => handle(services, req, res);
}
