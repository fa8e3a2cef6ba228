// Misbehaving servers at the TCP level, for target tests: one that accepts and never answers, a
// proxy that can be started late on a chosen port (a server that comes back), a proxy that can be
// switched to hang or refuse while the bot runs, and a Redis that requires a password the client
// does not have.
import { createConnection, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export interface TcpServer {
  port: number;
  /** How many connections it accepted. */
  readonly accepted: number;
  close(): Promise<void>;
}

async function listen(server: Server, port: number, sockets: Set<Socket>): Promise<TcpServer> {
  let accepted = 0;
  server.on('connection', (socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get accepted() {
      return accepted;
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Accepts connections and never says a word: a host behind a broken load balancer. */
export function blackhole(port = 0): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  return listen(createServer(), port, sockets);
}

/** Forwards every connection on `port` to `targetPort` on 127.0.0.1. */
export function tcpProxy(port: number, targetPort: number): Promise<TcpServer> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  return listen(server, port, sockets);
}

export type EndpointMode = 'forward' | 'hang' | 'refuse';

export interface SwitchableEndpoint {
  port: number;
  readonly mode: EndpointMode;
  /** How many connections it accepted while hanging. */
  readonly hung: number;
  /**
   * `forward`: a working server behind it. `hang`: the connections open now stop carrying anything
   * (a partition) and new ones are accepted and never answered. `refuse`: nothing listens on the port.
   */
  set(mode: EndpointMode): Promise<void>;
  close(): Promise<void>;
}

/** A proxy on a fixed port to `targetPort` on 127.0.0.1 that can be made to hang or refuse, and come back. */
export async function switchableProxy(targetPort: number): Promise<SwitchableEndpoint> {
  let mode: EndpointMode = 'forward';
  let hung = 0;
  const sockets = new Set<Socket>();
  const keep = (socket: Socket): void => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    keep(client);
    if (mode !== 'forward') {
      hung += 1;
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: targetPort });
    keep(upstream);
    upstream.on('close', () => client.destroy());
    client.on('close', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  const cut = (): void => {
    for (const socket of sockets) socket.destroy();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const set = async (next: EndpointMode): Promise<void> => {
    if (next === mode) return;
    const was = mode;
    mode = next;
    if (next === 'hang') {
      // Open connections freeze: what either side sends is kept here and never delivered.
      for (const socket of sockets) {
        socket.unpipe();
        socket.pause();
      }
      return;
    }
    cut();
    if (next === 'refuse') await new Promise<void>((resolve) => server.close(() => resolve()));
    else if (was === 'refuse')
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  };
  return {
    port,
    get mode() {
      return mode;
    },
    get hung() {
      return hung;
    },
    set,
    close: async () => {
      cut();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The commands in `buffer` (RESP arrays of bulk strings, as clients send them), and the bytes left
 * over when the last command is not complete yet. */
export function readRespCommands(buffer: Buffer): { commands: string[][]; rest: Buffer } {
  const commands: string[][] = [];
  let at = 0;
  const line = (): string | undefined => {
    const end = buffer.indexOf('\r\n', at);
    if (end === -1) return undefined;
    const text = buffer.subarray(at, end).toString('utf8');
    at = end + 2;
    return text;
  };
  for (;;) {
    const start = at;
    const header = line();
    if (header === undefined) return { commands, rest: buffer.subarray(start) };
    const args: string[] = [];
    for (let n = Number(header.slice(1)); n > 0; n -= 1) {
      const length = Number(line()?.slice(1) ?? Number.NaN);
      if (Number.isNaN(length) || buffer.length < at + length + 2) break;
      args.push(buffer.subarray(at, at + length).toString('utf8'));
      at += length + 2;
    }
    if (args.length !== Number(header.slice(1))) return { commands, rest: buffer.subarray(start) };
    commands.push(args);
  }
}

/** The error a Redis 7 with `requirepass` answers to `command` from a client that has not logged in,
 * every password being wrong. */
function unauthenticatedReply(command: string[]): string {
  const name = (command[0] ?? '').toUpperCase();
  const withAuth = name === 'AUTH' || (name === 'HELLO' && command.some((a) => a.toUpperCase() === 'AUTH'));
  if (withAuth) return '-WRONGPASS invalid username-password pair or user is disabled.\r\n';
  if (name === 'HELLO') return '-NOAUTH HELLO must be called with the client already authenticated\r\n';
  return '-NOAUTH Authentication required.\r\n';
}

/** A Redis whose password nobody has: AUTH (or HELLO … AUTH) answers WRONGPASS, and any other
 * command NOAUTH, as a server with `requirepass` does. Records every command it received. */
export async function redisRequiringPassword(): Promise<TcpServer & { commands: string[][] }> {
  const sockets = new Set<Socket>();
  const commands: string[][] = [];
  const server = createServer((socket) => {
    let pending: Buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      const read = readRespCommands(Buffer.concat([pending, chunk]));
      pending = read.rest;
      for (const command of read.commands) {
        commands.push(command);
        socket.write(unauthenticatedReply(command));
      }
    });
  });
  const listening = await listen(server, 0, sockets);
  return Object.assign(listening, { commands });
}
