import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readOggPages } from '../../electron/engine/ogg/ogg-page';
import { opusPacketSamples } from '../../electron/engine/ogg/opus-packet';

const run = promisify(execFile);

/*
 * Real Opus packets for output tests, without the engine's encoder: `opusenc` encodes a WAV once,
 * the packets are read back from its Ogg pages, and a pacer feeds them at real time.
 */

/** One encoded packet and its duration in 48 kHz samples. */
export interface OpusPacket {
  readonly data: Uint8Array;
  readonly samples: number;
}

/** Packets of one encoding, with what the OpusHead said. */
export interface EncodedOpus {
  readonly packets: readonly OpusPacket[];
  readonly channels: 1 | 2;
  readonly preSkip: number;
}

/** Encodes `wav` with opusenc (20 ms frames, hard CBR at `kbps`) and returns its audio packets. */
export async function encodeOpusPackets(wav: string, kbps: number): Promise<EncodedOpus> {
  const dir = mkdtempSync(join(tmpdir(), 'steadycast-opus-'));
  try {
    const file = join(dir, 'out.opus');
    await run('opusenc', ['--quiet', '--hard-cbr', '--bitrate', String(kbps), '--framesize', '20', wav, file]);
    const { pages } = readOggPages(new Uint8Array(readFileSync(file)));
    const [head, , ...audio] = pages.flatMap((page) => page.packets);
    if (head === undefined) throw new Error(`opusenc wrote no OpusHead for ${wav}`);
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const channels = head[9] === 2 ? 2 : 1;
    return { packets: audio.map((data) => ({ data, samples: opusPacketSamples(data) })), channels, preSkip: view.getUint16(10, true) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A running real-time feed: calls `push` for every packet due, 50 per second for 20 ms packets. */
export interface PacketPacer {
  /** Packets pushed so far. */
  readonly count: () => number;
  stop(): void;
}

/**
 * Calls `next(index)` for each 20 ms packet as its time comes (catching up after a late timer,
 * so the long-run rate is exact), looping forever until stopped.
 */
export function pacePackets(push: (index: number) => void, packetMs = 20): PacketPacer {
  const started = performance.now();
  let pushed = 0;
  const timer = setInterval(() => {
    const due = Math.floor((performance.now() - started) / packetMs) + 1;
    while (pushed < due) push(pushed++);
  }, packetMs / 2);
  return { count: () => pushed, stop: () => clearInterval(timer) };
}
