import { connect, createServer, type Socket } from 'node:net';
import { bindAddress, hostAddress } from './network';

/*
 * A TCP proxy in front of a server, for tests that need to see or break the path:
 *  - `requests` records the first line of every connection (count PUT attempts, probes);
 *  - `blackHole()` simulates a network partition: every open connection stops forwarding in both
 *    directions, and when the client gives up the server side is NOT closed, so the server keeps
 *    the old source until its own timeout (Icecast's source-timeout → "Mountpoint in use"), just
 *    as when a cable is pulled. New connections are held without forwarding until `heal()`.
 */

/** A running proxy. */
export interface TcpProxy {
  readonly host: string;
  readonly port: number;
  /** First line of each client connection, in order. */
  readonly requests: string[];
  blackHole(): void;
  heal(): void;
  /** Resets every open connection (both sides see the TCP connection close); new ones are forwarded as before. */
  dropConnections(): void;
  /** While on, every new connection is reset at once, like a server that is down (connection refused, fast); `accept()` ends it. */
  refuse(): void;
  accept(): void;
  /** Stops listening: new connections are refused by the kernel (ECONNREFUSED), like a server whose process is not running; `openPort()` listens again on the same port. */
  closePort(): Promise<void>;
  openPort(): Promise<void>;
  /** Delays every chunk forwarded from now on by `ms` in each direction (0: none), like a long path. */
  setLatency(ms: number): void;
  close(): Promise<void>;
}

/** Starts a proxy on a free port that forwards to `targetHost:targetPort`. */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const requests: string[] = [];
  const sockets = new Set<Socket>();
  const pipes = new Set<{ client: Socket; upstream: Socket; frozen: boolean }>();
  let broken = false;
  let refusing = false;
  let latencyMs = 0;
  /** Forwards a chunk now or after the latency; equal delays keep the order. */
  const forward = (to: Socket, chunk: Buffer, frozen: () => boolean): void => {
    if (latencyMs === 0) {
      if (!frozen()) to.write(chunk);
      return;
    }
    setTimeout(() => {
      if (!frozen() && !to.destroyed) to.write(chunk);
    }, latencyMs);
  };
  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    return socket;
  };

  const server = createServer((client) => {
    if (refusing) {
      client.on('error', () => undefined);
      client.resetAndDestroy();
      return;
    }
    track(client);
    const upstream = track(connect({ host: targetHost, port: targetPort }));
    const pipe = { client, upstream, frozen: broken };
    pipes.add(pipe);
    let firstLine = '';
    client.on('data', (chunk: Buffer) => {
      if (!firstLine.includes('\r\n')) {
        firstLine += chunk.toString('latin1');
        if (firstLine.includes('\r\n')) requests.push(firstLine.slice(0, firstLine.indexOf('\r\n')));
      }
      forward(upstream, chunk, () => pipe.frozen);
    });
    upstream.on('data', (chunk: Buffer) => {
      forward(client, chunk, () => pipe.frozen);
    });
    client.on('close', () => {
      pipes.delete(pipe);
      // A partitioned path never tells the server that the client left.
      if (!pipe.frozen) upstream.destroy();
    });
    upstream.on('close', () => {
      if (!pipe.frozen) client.destroy();
    });
  });
  const listen = (port: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, bindAddress(), () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy has no port');

  return {
    host: hostAddress(),
    port: address.port,
    requests,
    blackHole() {
      broken = true;
      for (const pipe of pipes) pipe.frozen = true;
    },
    heal() {
      broken = false;
    },
    refuse() {
      refusing = true;
    },
    accept() {
      refusing = false;
    },
    closePort() {
      // close() waits for open connections; the listening socket itself is gone at once.
      server.close();
      return Promise.resolve();
    },
    openPort() {
      return listen(address.port);
    },
    setLatency(ms) {
      latencyMs = Math.max(0, ms);
    },
    dropConnections() {
      for (const pipe of pipes) {
        pipe.client.resetAndDestroy();
        pipe.upstream.resetAndDestroy();
      }
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
