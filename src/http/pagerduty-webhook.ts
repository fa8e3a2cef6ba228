// POST /webhooks/pagerduty: PagerDuty's webhook v3. Every delivery is signed: X-PagerDuty-Signature
// holds one or more `v1=<hex HMAC-SHA256 of the raw body>` (several while a secret is rotated); one
// must match PAGERDUTY_WEBHOOK_SECRET, compared in constant time, before the body is parsed. Unsigned
// or forged deliveries get 401, malformed ones 400, an incident that is not ours 404, each with the
// reason; a valid delivery with nothing to do is a 200 (PagerDuty would otherwise send it again).
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { payloadProblem } from '../alerts/index.js';
import { describeError } from '../core/errors.js';
import type { Services } from '../core/services.js';
import { receivePagerEvent, type PagerEventOutcome } from '../incidents/flows/pager-event.js';
import { pagerWebhookPayload } from '../incidents/pager-webhook-payload.js';
import { answerJson as answer, parseJson, readRawBody } from './webhook-io.js';

export const PAGERDUTY_PATH = '/webhooks/pagerduty';
/** A v3 event is a few kilobytes. */
const BODY_LIMIT = 256 * 1024;
/** At most this many signatures are tried (PagerDuty sends one per active secret). */
const MAX_SIGNATURES = 10;

/** Whether one of the header's `v1=` signatures is the HMAC-SHA256 of `body` with `secret`. */
export function signatureMatches(header: string | undefined, body: Buffer, secret: string): boolean {
  const expected = createHmac('sha256', secret).update(body).digest();
  const presented = (header ?? '')
    .split(',')
    .slice(0, MAX_SIGNATURES)
    .map((part) => /^\s*v1=([0-9a-fA-F]{64})\s*$/.exec(part)?.[1])
    .flatMap((hex) => (hex === undefined ? [] : [Buffer.from(hex, 'hex')]));
  // Every candidate is compared (no early exit), each in constant time.
  return presented.reduce((found, candidate) => timingSafeEqual(candidate, expected) || found, false);
}

const STATUS: Record<PagerEventOutcome['kind'], number> = {
  acknowledged: 200,
  noted: 200,
  ignored: 200,
  unknown: 404,
  malformed: 400,
};

function outcomeBody(outcome: PagerEventOutcome): object {
  if (outcome.kind === 'unknown' || outcome.kind === 'malformed') return { error: outcome.reason };
  return { status: outcome.kind, ...outcome };
}

async function handle(services: Services, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const secret = services.config.PAGERDUTY_WEBHOOK_SECRET;
  if (secret === undefined)
    return answer(res, 503, {
      error: 'the PagerDuty webhook is not configured: set PAGERDUTY_WEBHOOK_SECRET',
    });
  const header = req.headers['x-pagerduty-signature'];
  if (typeof header !== 'string' || header.trim() === '')
    return answer(res, 401, { error: 'the delivery is not signed (no X-PagerDuty-Signature header)' });
  const raw = await readRawBody(req, BODY_LIMIT);
  if (raw === undefined) return answer(res, 413, { error: `the body is larger than ${BODY_LIMIT} bytes` });
  if (!signatureMatches(header, raw, secret))
    return answer(res, 401, { error: 'no signature of X-PagerDuty-Signature matches the body' });
  const json = parseJson(raw.toString('utf8'));
  if (json === undefined) return answer(res, 400, { error: 'the body is not JSON' });
  const parsed = pagerWebhookPayload.safeParse(json.value);
  if (!parsed.success) return answer(res, 400, { error: payloadProblem(parsed.error) });
  try {
    const outcome = await services.work.track(receivePagerEvent(services, parsed.data.event));
    services.log.info({ event: parsed.data.event.event_type, outcome }, 'pagerduty webhook');
    answer(res, STATUS[outcome.kind], outcomeBody(outcome));
  } catch (error) {
    services.log.warn({ err: describeError(error) }, 'pagerduty webhook failed');
    answer(res, 503, { error: 'the event could not be handled now; send it again' });
  }
}

export function handlePagerDuty(
  services: Services,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return (req, res) => handle(services, req, res);
}
