// The one HTTP server of the process, on PORT: /health, /metrics, and the routes adapters add
// (Slack at /slack/events; later Teams and the Alertmanager webhook). Anything else is a 404.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { Metrics } from './metrics.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  log: Logger;
  metrics: Metrics;
  /** Readiness check for /health (e.g. the store answers); a rejection turns /health into 503. */
  check?: () => Promise<void>;
}

const HEALTH_CHECK_MS = 2000;
/** Slack retries after 3 s and no route needs more: a slow or stuck client cannot hold a socket for long. */
const REQUEST_TIMEOUT_MS = 15_000;
const CLOSE_GRACE_MS = 5000;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class HttpServer {
  private readonly routes = new Map<string, RouteHandler>();
  private readonly server: Server;

  readonly metrics: Metrics;

  constructor(private readonly options: HttpServerOptions) {
    this.metrics = options.metrics;
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.server.headersTimeout = REQUEST_TIMEOUT_MS;
    this.route('GET', '/health', (_req, res) => this.serveHealth(res));
    this.route('GET', '/metrics', (_req, res) => this.serveMetrics(res));
  }

  /** Adds a route; a path is matched exactly (no parameters, so no path is built from request text). */
  route(method: 'GET' | 'POST', path: string, handler: RouteHandler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** Listens on `port` (0: a free port the system picks) and resolves with the port in use. */
  listen(port: number, host?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        resolve((this.server.address() as AddressInfo).port);
      });
    });
  }

  /** Stops accepting connections, lets requests in flight finish for a few seconds, then cuts the rest. */
  async close(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), CLOSE_GRACE_MS);
    await closed;
    clearTimeout(timer);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const handler = this.routes.get(`${method} ${path}`);
    try {
      if (handler) await handler(req, res);
      else send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    } catch (error) {
      this.options.log.error({ err: describeError(error), method, path }, 'http route failed');
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.end();
    }
  }

  private async serveHealth(res: ServerResponse): Promise<void> {
    const { check } = this.options;
    try {
      if (check) await withTimeout(check(), HEALTH_CHECK_MS);
      send(res, 200, 'application/json', JSON.stringify({ status: 'ok' }));
    } catch (error) {
      this.options.log.warn({ err: describeError(error) }, 'health check failed');
      send(res, 503, 'application/json', JSON.stringify({ status: 'unavailable' }));
    }
  }

  private async serveMetrics(res: ServerResponse): Promise<void> {
    const { registry } = this.metrics;
    send(res, 200, registry.contentType, await registry.metrics());
  }
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
