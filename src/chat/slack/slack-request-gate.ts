// What every request to /slack/events goes through before Bolt sees it, cheapest check first:
// the signature headers and a timestamp within 5 minutes either side of now, the declared length,
// the body read up to a limit, the signature verified, the payload's shape. Then the already-read body
// is handed to Bolt's receiver (which uses `rawBody` instead of reading again) with its delivery key
// (a hash of the body): the work behind the ack records the key in the store first, which makes a
// repeated delivery (a replay, a retry) a no-op across replicas without a store round trip before the
// ack (see slack-listeners.ts).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { describeError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { checkSlackPayload, type Passed, type PayloadVerdict } from './slack-payload-check.js';

/**
 * The largest body accepted. Slack's biggest payloads echo the bot's own content back: a click sends the
 * clicked message (at most 40,000 characters of blocks, slack-limits.ts), a modal submission its view
 * (our forms are a few inputs of at most 3,000 characters). Form-encoding JSON triples ASCII and takes
 * up to 9 bytes per non-ASCII character, so real payloads stay in the hundreds of KB; 1 MiB leaves room.
 */
export const SLACK_BODY_LIMIT = 1024 * 1024;
/** Slack's signing window, applied in both directions (Bolt refuses only the past). */
export const SLACK_TIMESTAMP_SKEW_S = 5 * 60;

const SIGNATURE = /^v0=[0-9a-f]{64}$/;
const TIMESTAMP = /^\d{1,12}$/;

/** Where the gate leaves a passed request's delivery key, for Bolt's customPropertiesExtractor. */
export const DELIVERY_KEY = 'oatieDeliveryKey';

/** The delivery key the gate gave `req` (undefined for a request that did not pass the gate). */
export function deliveryKeyOf(req: IncomingMessage): string | undefined {
  const key = (req as IncomingMessage & { [DELIVERY_KEY]?: unknown })[DELIVERY_KEY];
  return typeof key === 'string' ? key : undefined;
}

export type Listener = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A request that passed every check, as `ackAtOnce` sees it. */
export interface PassedRequest {
  passed: Passed;
  deliveryKey: string;
  /** Slack's x-slack-retry-num and x-slack-retry-reason, when this is a retry. */
  retryNum?: number;
  retryReason?: string;
}

export interface GateOptions {
  signingSecret: string;
  log: Logger;
  /** Answers a malformed interaction through its response_url (best effort). */
  answerUrl: (responseUrl: string, text: string) => Promise<void>;
  bodyLimit?: number;
  now?: () => number;
  /**
   * Acknowledges a passed request right here, before Bolt reads it: returns the ack's text ('' for an
   * empty ack) after queueing the work behind it, or undefined to hand the request to Bolt as usual.
   */
  ackAtOnce?: (request: PassedRequest) => string | undefined;
}

/** Answers a refused request: 413 or 401, closing the connection when its body was not all read. */
export function answerRefused(req: IncomingMessage, res: ServerResponse, status: number): void {
  const text = status === 413 ? 'payload too large\n' : 'unauthorized\n';
  if (req.complete) reply(res, status, text);
  else refuseUnread(req, res, status, text);
}

export function reply(
  res: ServerResponse,
  status: number,
  body = '',
  type = 'text/plain; charset=utf-8',
): void {
  const headers: Record<string, string | number> = { 'content-length': Buffer.byteLength(body) };
  if (body !== '') headers['content-type'] = type;
  res.writeHead(status, headers);
  res.end(body);
}

/**
 * Refuses a request whose body was not (all) read. Node would otherwise read the rest of it to keep the
 * connection alive; the socket is closed instead, as soon as the answer is written.
 */
function refuseUnread(req: IncomingMessage, res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    connection: 'close',
  });
  res.end(text, () => req.socket.destroy());
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Why the headers alone refuse the request (401/413), or the timestamp when they pass. */
function checkHeaders(
  req: IncomingMessage,
  limit: number,
  nowMs: number,
): { status: number; reason: string } | { timestamp: string; signature: string } {
  const signature = header(req, 'x-slack-signature');
  const timestamp = header(req, 'x-slack-request-timestamp');
  if (
    signature === undefined ||
    !SIGNATURE.test(signature) ||
    timestamp === undefined ||
    !TIMESTAMP.test(timestamp)
  )
    return { status: 401, reason: 'missing or malformed signature headers' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > SLACK_TIMESTAMP_SKEW_S)
    return { status: 401, reason: 'timestamp more than 5 minutes from now' };
  const declared = header(req, 'content-length');
  if (declared !== undefined && (!/^\d{1,15}$/.test(declared) || Number(declared) > limit))
    return { status: 413, reason: 'declared body too large' };
  return { timestamp, signature };
}

/** Reads the body, giving up (undefined) as soon as it passes `limit` bytes. */
function readBounded(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        chunks.length = 0;
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.once('end', () => resolve(Buffer.concat(chunks, size)));
    req.once('error', reject);
  });
}

function signatureMatches(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Wraps Bolt's request listener with the checks above. */
export function slackRequestGate(options: GateOptions, next: Listener): Listener {
  const limit = options.bodyLimit ?? SLACK_BODY_LIMIT;
  const now = options.now ?? Date.now;
  const { log } = options;

  const refuse = (req: IncomingMessage, res: ServerResponse, status: number, reason: string) => {
    log.warn({ status, reason }, 'slack request refused');
    answerRefused(req, res, status);
  };

  const answerMalformed = (res: ServerResponse, verdict: Exclude<PayloadVerdict, { kind: 'pass' }>) => {
    log.warn({ reason: verdict.reason }, 'signed but malformed slack payload; answered at once');
    if (verdict.kind === 'answer-url') {
      reply(res, 200);
      options.answerUrl(verdict.responseUrl, verdict.text).catch((error: unknown) => {
        log.warn({ err: describeError(error) }, 'could not answer a malformed payload on its response_url');
      });
    } else if (verdict.kind === 'answer-json') {
      reply(res, 200, JSON.stringify(verdict.body), 'application/json');
    } else {
      reply(res, verdict.status, `${verdict.text}\n`);
    }
  };

  return async (req, res) => {
    const inspected = await inspectSlackRequest(req, options.signingSecret, limit, now);
    if (inspected.kind === 'refused') return refuse(req, res, inspected.status, inspected.reason);
    if (inspected.kind === 'malformed') return answerMalformed(res, inspected.verdict);
    const acked = options.ackAtOnce?.(inspected.request);
    if (acked !== undefined) return reply(res, 200, acked);
    const passed = req as IncomingMessage & { rawBody?: Buffer; [DELIVERY_KEY]?: string };
    passed.rawBody = inspected.body;
    passed[DELIVERY_KEY] = inspected.request.deliveryKey;
    await next(req, res);
  };
}

/** What the checks make of a request: refused (401/413), signed but malformed, or passed. */
export type Inspection =
  | { kind: 'refused'; status: number; reason: string }
  | { kind: 'malformed'; verdict: Exclude<PayloadVerdict, { kind: 'pass' }>; body: Buffer }
  | { kind: 'passed'; request: PassedRequest; body: Buffer };

/**
 * The checks, cheapest first, reading the body (up to `limit`) once. Shared by the gate and the front
 * door (src/http/front-door-worker.ts), which acks on a thread of its own.
 */
export async function inspectSlackRequest(
  req: IncomingMessage,
  signingSecret: string,
  limit: number,
  now: () => number,
): Promise<Inspection> {
  const checked = checkHeaders(req, limit, now());
  if ('status' in checked) return { kind: 'refused', ...checked };
  const body = await readBounded(req, limit);
  if (!body) return { kind: 'refused', status: 413, reason: 'body too large' };
  if (!signatureMatches(signingSecret, checked.timestamp, body, checked.signature))
    return { kind: 'refused', status: 401, reason: 'signature mismatch' };
  const verdict = checkSlackPayload(header(req, 'content-type'), body);
  if (verdict.kind !== 'pass') return { kind: 'malformed', verdict, body };
  // The same bytes are the same delivery: a replay repeats them, and a retry resends the same body.
  const deliveryKey = createHash('sha256').update(body).digest('hex');
  const retryNum = Number(header(req, 'x-slack-retry-num'));
  const retryReason = header(req, 'x-slack-retry-reason');
  return {
    kind: 'passed',
    body,
    request: {
      passed: verdict,
      deliveryKey,
      ...(Number.isInteger(retryNum) ? { retryNum } : {}),
      ...(retryReason ? { retryReason } : {}),
    },
  };
}
