import { readFileSync } from 'node:fs';

/*
 * Why read the kernel's send queue: Node's `socket.writableLength` only counts bytes the kernel has
 * not accepted yet, and Linux autotunes a TCP send buffer up to `tcp_wmem` max (4 MiB by default):
 * on a 48 kbit/s uplink fed at 128 kbit/s, writableLength stayed 0 for as long as we measured while
 * the audience fell further behind every second. `/proc/self/net/tcp` (this process's network
 * namespace) gives every socket's `tx_queue`: bytes written but not yet acknowledged by the peer
 * (write_seq − snd_una). That is the true distance between what we sent and what the server has.
 * Other platforms have no such file; there the status probe's queueing delay is the signal.
 */

/** The two ends of a connected TCP socket, as `net.Socket` reports them. */
export interface SocketEnds {
  readonly localPort?: number | undefined;
  readonly remotePort?: number | undefined;
}

/** Bytes the kernel holds for this socket (unsent + unacknowledged), or undefined when unknown. */
export type KernelSendQueue = (socket: SocketEnds) => number | undefined;

const ESTABLISHED = '01';
const TABLES = ['/proc/self/net/tcp', '/proc/self/net/tcp6'];

/**
 * Parses `/proc/net/tcp{,6}` text into "localPort:remotePort" → tx_queue bytes for established
 * sockets. Lines look like `0: 0100007F:9C40 0100007F:1F40 01 00001A2B:00000000 …`.
 */
export function parseProcNetTcp(text: string, into = new Map<string, number>()): Map<string, number> {
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    const [, local, remote, state, queues] = fields;
    if (state !== ESTABLISHED || local === undefined || remote === undefined || queues === undefined) continue;
    const localPort = Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16);
    const remotePort = Number.parseInt(remote.slice(remote.lastIndexOf(':') + 1), 16);
    const txQueue = Number.parseInt(queues.slice(0, queues.indexOf(':')), 16);
    if (Number.isNaN(localPort) || Number.isNaN(remotePort) || Number.isNaN(txQueue)) continue;
    into.set(`${localPort}:${remotePort}`, txQueue);
  }
  return into;
}

/**
 * A reader of the kernel send queues from `/proc/self/net/tcp{,6}`, re-read at most every
 * `maxAgeMs` of real time however many sockets ask (a cache of file reads, so it runs on the
 * monotonic clock, not the engine's). Returns undefined for every socket where the files do not
 * exist (macOS, Windows) or cannot be read.
 */
export function procNetTcpSendQueue(
  options: { readonly maxAgeMs?: number; readonly read?: (path: string) => string } = {},
): KernelSendQueue {
  const { maxAgeMs = 50 } = options;
  const read = options.read ?? ((path: string) => readFileSync(path, 'latin1'));
  let readAt = Number.NEGATIVE_INFINITY;
  let table: Map<string, number> | undefined;
  let available = true;
  return (socket) => {
    if (!available || socket.localPort === undefined || socket.remotePort === undefined) return undefined;
    const now = performance.now();
    if (table === undefined || now - readAt >= maxAgeMs) {
      const next = new Map<string, number>();
      let readAny = false;
      for (const path of TABLES) {
        try {
          parseProcNetTcp(read(path), next);
          readAny = true;
        } catch {
          // tcp6 may be missing when IPv6 is off; both missing means not Linux.
        }
      }
      if (!readAny) {
        available = false;
        return undefined;
      }
      table = next;
      readAt = now;
    }
    return table.get(`${socket.localPort}:${socket.remotePort}`);
  };
}
