// The front door's thread (started by front-door.ts): it owns the port. A signed Slack command, click
// or form submission is checked here (src/chat/slack/slack-request-gate.ts's checks), acknowledged
// at once, and handed to the main thread, whose work queue runs it: the ack never waits for the main
// thread's event loop, however busy the answers keep it. It admits at most `admitLimit` requests not
// yet finished (a counter shared with the main thread); past that, and for whatever it does not ack
// itself (url_verification, malformed payloads), it forwards the request, body and all, to the main
// thread's own HTTP server, whose gate checks it again and answers ("busy, try again" when full).
// Every other route (health, metrics, Teams, webhooks) is forwarded as it comes.
import {
  Agent,
  createServer,
  request,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { commandAck } from '../chat/slack/slack-ack.js';
import { answerRefused, inspectSlackRequest, reply } from '../chat/slack/slack-request-gate.js';
import { frontDoorSettings, type FromFrontDoor, type ToFrontDoor } from './front-door-protocol.js';

const settings = frontDoorSettings.parse(workerData);
const admitted = new Int32Array(settings.admitted);
const port = parentPort;
if (!port) throw new Error('front-door-worker.ts runs as a worker thread');
const tell = (message: FromFrontDoor) => port.postMessage(message);

/** Slack retries after 3 s and no route needs more: a slow or stuck client cannot hold a socket for long. */
const REQUEST_TIMEOUT_MS = 15_000;
/** A forwarded request's answer: Teams invokes are answered within 15 s; a bound past that. */
const FORWARD_TIMEOUT_MS = 30_000;
const CLOSE_GRACE_MS = 3000;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'proxy-connection']);

/** The headers that go on to the next hop (not those of one connection). */
const endToEnd = (headers: IncomingHttpHeaders): IncomingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !HOP_BY_HOP.has(name)));
// A connection per forwarded request: a kept-alive one the main server closes as it is reused would
// fail a request that may not be sent twice. Loopback connections are cheap, and forwarding is rare.
const agent = new Agent({ keepAlive: false });

/** Takes one of the admitted places, unless all are taken. */
function admitOne(): boolean {
  for (;;) {
    const taken = Atomics.load(admitted, 0);
    if (taken >= settings.admitLimit) return false;
    if (Atomics.compareExchange(admitted, 0, taken, taken + 1) === taken) return true;
  }
}

function forwardHeaders(req: IncomingMessage, body: Buffer | undefined): IncomingHttpHeaders {
  const headers = endToEnd(req.headers);
  if (body) headers['content-length'] = String(body.length);
  const from = req.socket.remoteAddress;
  if (from) headers['x-forwarded-for'] = from;
  return headers;
}

/** Forwards `req` to the main thread's server: with `body` when it was read here, else as it streams. */
function forward(req: IncomingMessage, res: ServerResponse, body?: Buffer): void {
  const out = request(
    {
      host: '127.0.0.1',
      port: settings.innerPort,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req, body),
      agent,
      timeout: FORWARD_TIMEOUT_MS,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, endToEnd(answer.headers));
      answer.pipe(res);
    },
  );
  out.on('timeout', () => out.destroy(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT' })));
  out.on('error', (error: NodeJS.ErrnoException) => {
    tell({
      kind: 'log',
      level: 'warn',
      msg: 'front door: forwarding failed',
      fields: { err: error.message },
    });
    if (res.headersSent) return void res.destroy();
    // The main server could not be reached, or did not answer in time: a bad gateway. Else it cut the
    // connection (it refused a body before reading it all): so is the client's, as without the front door.
    if (error.code === 'ECONNREFUSED' || error.code === 'ETIMEDOUT') reply(res, 502, 'bad gateway\n');
    else res.destroy();
  });
  if (body) out.end(body);
  else req.pipe(out);
}

async function slackEvent(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const inspected = await inspectSlackRequest(req, settings.signingSecret, settings.bodyLimit, Date.now);
  if (inspected.kind === 'refused') {
    const { status, reason } = inspected;
    tell({ kind: 'log', level: 'warn', msg: 'slack request refused', fields: { status, reason } });
    return answerRefused(req, res, status);
  }
  if (inspected.kind === 'passed' && inspected.request.passed.type !== 'url_verification' && admitOne()) {
    const { passed } = inspected.request;
    reply(res, 200, passed.type === 'command' ? (commandAck(passed.body) ?? '') : '');
    tell({ kind: 'passed', request: inspected.request });
    return;
  }
  forward(req, res, inspected.body);
}

const server = createServer((req, res) => {
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (req.method === 'POST' && path === settings.slackPath) {
    slackEvent(req, res).catch((error: unknown) => {
      const err = error instanceof Error ? error.message : String(error);
      tell({ kind: 'log', level: 'error', msg: 'front door: slack request failed', fields: { err } });
      if (!res.headersSent) reply(res, 500, 'internal error\n');
      else res.destroy();
    });
  } else forward(req, res);
});
server.requestTimeout = REQUEST_TIMEOUT_MS;
server.headersTimeout = REQUEST_TIMEOUT_MS;
server.once('error', (error) => tell({ kind: 'failed', message: error.message }));
server.listen(settings.port, settings.host, () => {
  const address = server.address();
  tell({ kind: 'listening', port: typeof address === 'object' && address ? address.port : 0 });
});

port.on('message', (message: ToFrontDoor) => {
  if (message.kind !== 'close') return;
  // No new connection; requests in flight get a few seconds, then the rest is cut.
  const timer = setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS);
  server.close(() => {
    clearTimeout(timer);
    agent.destroy();
    tell({ kind: 'closed' });
  });
  server.closeIdleConnections();
});
