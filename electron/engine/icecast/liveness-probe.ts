import type { Socket } from 'node:net';
import type { Clock } from '../clock';
import type { SourceTarget } from './source-request';

/*
 * Why a probe: a frozen Icecast (SIGSTOP, a hung process) still has a live kernel. It keeps
 * ACKing the source's data into its receive buffer, so writes never stall: measured here at
 * 128 kbit/s, 27 s after SIGSTOP Node's socket.writableLength was still 0 (≈ 420 KB absorbed by
 * the kernel's autotuned buffers). A plain HTTP request to the same server is answered by the
 * Icecast process itself, so a server that stops answering it is a frozen server.
 */

/** Where an output's sockets come from: node:net / node:tls by default, a test's factory otherwise. */
export type SocketFactory = (target: { readonly host: string; readonly port: number; readonly tls: boolean }) => Socket;

/**
 * How a probe ended. `silent` (connected, request sent, no answer in time) is the frozen-process
 * signature: the kernel completed the handshake, the process never read the request.
 * `unreachable` (no connection, refused, reset) says nothing about the process: on a saturated
 * uplink the probe's own packets queue and drop behind the audio.
 */
export type ProbeOutcome = 'answered' | 'silent' | 'unreachable';

/** A running probe. */
export interface Probe {
  readonly result: Promise<ProbeOutcome>;
  cancel(): void;
}

/** Sends `GET /status-json.xsl` to the output's server and resolves how it ended within `timeoutMs`. */
export function probeServer(options: {
  readonly connect: SocketFactory;
  readonly target: SourceTarget;
  readonly clock: Clock;
  readonly timeoutMs: number;
  readonly userAgent: string;
}): Probe {
  const { connect, target, clock, timeoutMs, userAgent } = options;
  let settle: (outcome: ProbeOutcome) => void = () => undefined;
  const result = new Promise<ProbeOutcome>((resolve) => {
    settle = resolve;
  });
  let socket: Socket | undefined;
  let connected = false;
  let done = false;
  const finish = (outcome: ProbeOutcome): void => {
    if (done) return;
    done = true;
    clock.clearTimeout(timer);
    socket?.destroy();
    settle(outcome);
  };
  const timer = clock.setTimeout(() => finish(connected ? 'silent' : 'unreachable'), timeoutMs);
  try {
    socket = connect({ host: target.host, port: target.port, tls: target.tls });
    socket.once(target.tls ? 'secureConnect' : 'connect', () => {
      connected = true;
    });
    socket.on('error', () => finish('unreachable'));
    socket.on('close', () => finish('unreachable'));
    socket.on('data', (chunk: Buffer) => finish(chunk.subarray(0, 5).toString('latin1') === 'HTTP/' ? 'answered' : 'unreachable'));
    socket.write(`GET /status-json.xsl HTTP/1.0\r\nHost: ${target.server}\r\nUser-Agent: ${userAgent}\r\n\r\n`);
  } catch {
    finish('unreachable');
  }
  return { result, cancel: () => finish('unreachable') };
}
