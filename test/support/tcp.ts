// Misbehaving servers at the TCP level, for target tests: one that accepts and never answers, and a
// proxy that can be started late on a chosen port (a server that comes back).
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
