// The one HTTP server of the process, on PORT: /health, /livez, /readyz, /metrics, and the routes
// adapters add (Slack at /slack/events, the Alertmanager and PagerDuty webhooks). Anything else is a 404.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { HealthMonitor } from './health.js';
import type { Metrics } from './metrics.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HttpServerOptions {
  log: Logger;
  metrics: Metrics;
}

/** What /health and /readyz read, known once the core is built. */
export interface HealthEndpoints {
  monitor: HealthMonitor;
  /** The adapters are started and the process is not shutting down. */
  ready(): boolean;
}
/** Slack retries after 3 s and no route needs more: a slow or stuck client cannot hold a socket for long. */
const REQUEST_TIMEOUT_MS = 15_000;
const CLOSE_GRACE_MS = 3000;

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export class HttpServer {
  private readonly routes = new Map<string, RouteHandler>();
  private readonly server: Server;
  private health: HealthEndpoints | undefined;

  readonly metrics: Metrics;

  constructor(private readonly options: HttpServerOptions) {
    this.metrics = options.metrics;
    this.server = createServer((req, res) => void this.dispatch(req, res));
    this.server.requestTimeout = REQUEST_TIMEOUT_MS;
    this.server.headersTimeout = REQUEST_TIMEOUT_MS;
    this.route('GET', '/health', (_req, res) => this.serveHealth(res));
    // Answers as long as the event loop turns: never restarts the bot because a target is down.
    this.route('GET', '/livez', (_req, res) => sendJson(res, 200, { status: 'ok' }));
    this.route('GET', '/readyz', (_req, res) => this.serveReady(res));
    this.route('GET', '/metrics', (_req, res) => this.serveMetrics(res));
  }

  /** Adds a route; a path is matched exactly (no parameters, so no path is built from request text). */
  route(method: 'GET' | 'POST', path: string, handler: RouteHandler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** Serves /health and /readyz from the core's monitor (until then they answer 503 "starting"). */
  serveHealthFrom(health: HealthEndpoints): void {
    this.health = health;
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
    if (!this.health) return sendJson(res, 503, { status: 'starting' });
    const { httpStatus, report } = await this.health.monitor.report();
    if (httpStatus !== 200) this.options.log.warn({ checks: report.checks }, 'health: unhealthy');
    sendJson(res, httpStatus, report);
  }

  private async serveReady(res: ServerResponse): Promise<void> {
    const health = this.health;
    if (!health?.ready()) return sendJson(res, 503, { status: health ? 'stopping' : 'starting' });
    try {
      await health.monitor.checkStore();
      sendJson(res, 200, { status: 'ready' });
    } catch (error) {
      this.options.log.warn({ err: describeError(error) }, 'not ready: the store does not answer');
      sendJson(res, 503, { status: 'store unreachable' });
    }
  }

  private async serveMetrics(res: ServerResponse): Promise<void> {
    const { registry } = this.metrics;
    send(res, 200, registry.contentType, await registry.metrics());
  }
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value));
}
