// A fake of Slack's Socket Mode endpoint: the WebSocket URL that apps.connections.open hands out
// (FakeSlack.socketModeUrl). It greets each connection with `hello`, sends envelopes (slash
// commands, button clicks, modal submissions) as Slack does, records the acks the app sends back,
// and can drop every socket to prove the app reconnects. The real @slack/socket-mode client runs.
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
// ws comes with @slack/socket-mode (its client is what the bot runs); the types at hand are @types/ws 6.
import type WebSocket from 'ws';

// ws's ESM entry exports no `WebSocket.Server`; its CommonJS entry does, as @types/ws 6 describes it.
const ws = createRequire(import.meta.url)('ws') as typeof WebSocket;

export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export class FakeSocketMode {
  /** Every connection opened so far (a reconnection adds one). */
  connections = 0;
  readonly acks: Ack[] = [];
  private readonly sockets = new Set<WebSocket>();
  private readonly waiters: Array<() => void> = [];

  private constructor(private readonly server: WebSocket.Server) {
    server.on('connection', (socket: WebSocket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('message', (data: Buffer) => {
        const message = JSON.parse(data.toString()) as Ack;
        if (typeof message.envelope_id === 'string') this.acks.push(message);
        this.wake();
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: this.sockets.size,
          debug_info: { host: 'fake-socket-mode', approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0OATIE' },
        }),
      );
      this.wake();
    });
  }

  static async start(): Promise<FakeSocketMode> {
    const server = new ws.Server({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    return new FakeSocketMode(server);
  }

  /** The URL apps.connections.open answers with. */
  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `ws://127.0.0.1:${port}/link/?ticket=${randomUUID()}&app_id=A0OATIE`;
  }

  get open(): number {
    return this.sockets.size;
  }

  /** Sends an envelope to the connected app and resolves with its ack. */
  async send(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): Promise<Ack> {
    const envelopeId = randomUUID();
    const [socket] = this.sockets;
    if (!socket) throw new Error('fake socket mode: no app is connected');
    socket.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: true,
        retry_attempt: 0,
        retry_reason: '',
      }),
    );
    await this.until(() => this.acks.some((a) => a.envelope_id === envelopeId), `the ack of ${type}`);
    return this.acks.find((a) => a.envelope_id === envelopeId) as Ack;
  }

  /** Drops every socket without a goodbye, as a network failure would. */
  drop(): void {
    for (const socket of this.sockets) socket.terminate();
  }

  /** Waits until `check` holds (checked on every message and connection), for at most `ms`. */
  async until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake socket mode: no ${what} within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}
