// The common part of the in-process HTTP fakes (Kubernetes, Oatie API, Oracle BI): a server on a
// random local port that records every request, can be told to hang, and closes every socket on stop.
// A fake either passes a route to the constructor or extends the class and overrides `answer`.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
}

export type Answer = {
  status: number;
  body: string;
  contentType?: string;
  delayMs?: number;
  /** Sent once this settles (a test holds the answers back, then lets them go). */
  after?: Promise<void>;
  headers?: Record<string, string>;
};

export type Route = (request: RecordedRequest) => Answer | undefined;

/**
 * A target's timeout where a fake answers (or its port refuses): a bound a loaded machine always
 * meets, since the answer is what is tested. Where a fake is silent, a test sets a short one: there
 * the timeout is what is tested.
 */
export const ANSWER_TIMEOUT_MS = 10_000;

export const json = (status: number, value: unknown, delayMs?: number): Answer => ({
  status,
  body: JSON.stringify(value),
  contentType: 'application/json',
  delayMs,
});

export class HttpFake {
  readonly requests: RecordedRequest[] = [];
  /** When true, requests are read and recorded but never answered. */
  hang = false;
  private server: Server | undefined;
  private port = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly route?: Route) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests whose path starts with `prefix`. */
  requestsTo(prefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  /** The answer to a request; undefined is a 404. */
  protected answer(request: RecordedRequest): Answer | undefined {
    return this.route?.(request);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake');
    const headers = Object.fromEntries(
      Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]),
    );
    const request: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(request);
    if (this.hang) return;
    const answer = this.answer(request) ?? json(404, { message: 'not found' });
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'text/plain', ...answer.headers });
      res.end(answer.body);
    };
    if (answer.after) return void answer.after.then(send);
    if (answer.delayMs === undefined) return send();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, answer.delayMs);
    this.timers.add(timer);
  }
}

/** A local port where nothing listens: connections to it are refused. */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
