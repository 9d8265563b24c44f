import { createServer, type Server } from 'node:net';

/** Environment variable that run-tests sets to `1` inside the isolated test network namespace. */
export const NETNS_ENV = 'STEADYCAST_TEST_NETNS';

/** Name and address of the namespace's test interface (Janus gathers ICE candidates here). */
export const NAMESPACE_INTERFACE = 'veth0';
/** Address of veth0 inside the namespace (RFC 2544 benchmarking range, never routed). */
export const NAMESPACE_HOST_ADDRESS = '198.18.0.1';
/** Address of veth1, the other end of the pair, inside the namespace. */
export const NAMESPACE_PEER_ADDRESS = '198.18.0.2';
/** Prefix length of the veth pair's subnet. */
export const NAMESPACE_PREFIX_LENGTH = 24;

/** Whether this process runs inside the isolated test network namespace. */
export function insideTestNamespace(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[NETNS_ENV] === '1';
}

/** Address servers advertise: the veth address inside the namespace, else loopback. */
export function hostAddress(env: NodeJS.ProcessEnv = process.env): string {
  return insideTestNamespace(env) ? NAMESPACE_HOST_ADDRESS : '127.0.0.1';
}

/**
 * Address server sockets bind to. Inside the namespace nothing outside can reach us, so bind to
 * every interface (tests may use 127.0.0.1 or the veth addresses); outside it, loopback only.
 */
export function bindAddress(env: NodeJS.ProcessEnv = process.env): string {
  return insideTestNamespace(env) ? '0.0.0.0' : '127.0.0.1';
}

/** A TCP port that is free on 127.0.0.1 right now (listen on port 0, read it, close). */
export async function freePort(): Promise<number> {
  const [port] = await freePorts(1);
  if (port === undefined) throw new Error('freePorts(1) returned no port');
  return port;
}

/** `count` distinct free TCP ports: all are held open together, so none repeats. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i += 1) {
      const server = createServer();
      servers.push(server);
      ports.push(await listenOnAnyPort(server));
    }
    return ports;
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

function listenOnAnyPort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error(`unexpected server address ${String(address)}`));
        return;
      }
      resolve(address.port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/**
 * ICE host addresses an engine's space channel (werift) must be told about in the test network:
 * werift leaves veth interfaces out of its candidates, and the namespace has nothing else.
 */
export function testIceHostAddresses(env: NodeJS.ProcessEnv = process.env): string[] {
  return insideTestNamespace(env) ? [NAMESPACE_PEER_ADDRESS] : [];
}
