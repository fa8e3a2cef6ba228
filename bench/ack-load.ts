// Paced load of signed slash commands: `perSecond` requests a second for `durationMs`, each sent on time
// whether or not earlier ones were answered (an open-loop load, as Slack sends), over kept-alive
// connections. Returns each acknowledgement's round trip, sorted, and the requests that failed.
//
// The load generator shares the two cores with what it measures, so it is made to cost little: every
// request is signed and written out before the first is sent, and each goes as those bytes on a
// connection of its own pool (one request at a time on each, as Slack sends), its answer read as bytes.
// Node's HTTP client spent about 0.4 ms of CPU a request (40 % of a core at 1,000/s, taken from the app
// being timed); this client spends a fraction of that.
import { connect, type Socket } from 'node:net';
import { slackSignature, SIGNING_SECRET, slashCommandBody } from '../test/support/slack-signing.js';

export interface LoadResult {
  sent: number;
  ackMs: number[];
  errors: number;
  /** Acks that said "busy" instead of running the command. */
  busy: number;
}

interface Outcome {
  ms: number;
  ok: boolean;
  busy: boolean;
}

/** A request being sent: its bytes, when it was due, and who waits for its outcome. */
interface Pending {
  request: Buffer;
  started: number;
  resolve: (outcome: Outcome) => void;
}

/** Past this the generator's own requests wait for a connection (open loop: the wait is timed too). */
const MAX_CONNECTIONS = 512;
/** A request unanswered this long fails (and its connection is dropped). */
const TIMEOUT_MS = 10_000;
const HEAD_END = '\r\n\r\n';

/** A signed slash command as the bytes of one HTTP/1.1 request. */
function signedRequest(url: URL, body: string): Buffer {
  const timestamp = Math.floor(Date.now() / 1000);
  const head =
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    'Content-Type: application/x-www-form-urlencoded\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    `X-Slack-Request-Timestamp: ${timestamp}\r\n` +
    `X-Slack-Signature: ${slackSignature(SIGNING_SECRET, timestamp, body)}\r\n\r\n`;
  return Buffer.from(head + body);
}

/** Where one complete answer ends in `text` (its status and body), or undefined while it is partial. */
function parseAnswer(text: string): { end: number; status: number; body: string } | undefined {
  const headEnd = text.indexOf(HEAD_END);
  if (headEnd < 0) return undefined;
  const head = text.slice(0, headEnd).toLowerCase();
  const status = Number(head.slice(9, 12));
  const start = headEnd + HEAD_END.length;
  const length = /\r\ncontent-length: *(\d+)/.exec(head);
  if (length) {
    const end = start + Number(length[1]);
    return text.length < end ? undefined : { end, status, body: text.slice(start, end) };
  }
  if (!head.includes('transfer-encoding: chunked')) return { end: start, status, body: '' };
  // Chunked: complete at the last, empty chunk; the chunks' sizes are left in the body (only searched).
  const last = text.indexOf('\r\n0\r\n\r\n', start - 2);
  return last < 0 ? undefined : { end: last + 7, status, body: text.slice(start, last) };
}

/** One kept-alive connection carrying one request at a time. */
class Connection {
  private readonly socket: Socket;
  private received = '';
  private current: Pending | undefined;
  private dead = false;

  constructor(
    url: URL,
    private readonly onIdle: (connection: Connection) => void,
    private readonly onClosed: (connection: Connection) => void,
  ) {
    this.socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.socket.setEncoding('latin1');
    this.socket.on('data', (chunk: string) => this.read(chunk));
    this.socket.on('error', () => this.fail());
    this.socket.on('close', () => this.fail());
  }

  get alive(): boolean {
    return !this.dead;
  }

  send(pending: Pending): void {
    this.current = pending;
    this.socket.write(pending.request);
  }

  /** Fails the request in hand if it has waited past TIMEOUT_MS. */
  expire(now: number): void {
    if (this.current && now - this.current.started > TIMEOUT_MS) this.socket.destroy();
  }

  close(): void {
    this.fail();
  }

  private read(chunk: string): void {
    this.received += chunk;
    const answer = parseAnswer(this.received);
    if (!answer || !this.current) return;
    this.received = this.received.slice(answer.end);
    const { started, resolve } = this.current;
    this.current = undefined;
    resolve({
      ms: performance.now() - started,
      ok: answer.status === 200,
      busy: answer.body.includes('busy'),
    });
    this.onIdle(this);
  }

  private fail(): void {
    if (this.dead) return;
    this.dead = true;
    this.socket.destroy();
    const current = this.current;
    this.current = undefined;
    current?.resolve({ ms: performance.now() - current.started, ok: false, busy: false });
    this.onClosed(this);
  }
}

export async function pacedLoad(options: {
  url: string;
  perSecond: number;
  durationMs: number;
  text: string;
  /** A fresh response_url per command (the fake Slack records posts to it). */
  responseUrl?: () => string;
}): Promise<LoadResult> {
  const url = new URL(options.url);
  const total = Math.round((options.perSecond * options.durationMs) / 1000);
  const requests = Array.from({ length: total }, () =>
    signedRequest(
      url,
      slashCommandBody({
        text: options.text,
        user_id: 'U0ONCALL01',
        ...(options.responseUrl ? { response_url: options.responseUrl() } : {}),
      }),
    ),
  );
  const connections = new Set<Connection>();
  const idle: Connection[] = [];
  const waiting: Pending[] = [];
  const onIdle = (connection: Connection) => {
    const next = waiting.shift();
    if (next) connection.send(next);
    else idle.push(connection);
  };
  const opened = () => {
    const connection = new Connection(url, onIdle, onClosed);
    connections.add(connection);
    return connection;
  };
  // A closed connection leaves the pool; a request waiting for one gets a new one in its place.
  const onClosed = (connection: Connection) => {
    connections.delete(connection);
    const next = waiting.shift();
    if (next) opened().send(next);
  };
  const send = (request: Buffer): Promise<Outcome> =>
    new Promise((resolve) => {
      const pending = { request, started: performance.now(), resolve };
      let connection = idle.pop();
      while (connection && !connection.alive) connection = idle.pop();
      if (!connection && connections.size < MAX_CONNECTIONS) connection = opened();
      if (connection) connection.send(pending);
      else waiting.push(pending);
    });
  const expiry = setInterval(() => {
    const now = performance.now();
    for (const connection of connections) connection.expire(now);
  }, 1000);
  const sends: Array<Promise<Outcome>> = [];
  const started = performance.now();
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / options.perSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sends.push(send(requests[i]!));
  }
  const results = await Promise.all(sends);
  clearInterval(expiry);
  for (const connection of [...connections]) connection.close();
  return {
    sent: total,
    ackMs: results
      .filter((r) => r.ok)
      .map((r) => r.ms)
      .sort((a, b) => a - b),
    errors: results.filter((r) => !r.ok).length,
    busy: results.filter((r) => r.busy).length,
  };
}
