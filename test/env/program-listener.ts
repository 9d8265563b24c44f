import { execFile } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { request, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WavReader } from '../../electron/engine/audio/wav-reader';
import { readOggPages } from '../../electron/engine/ogg/ogg-page';

const run = promisify(execFile);

/*
 * A listener that stays on a mount while a test acts, and afterwards says what was heard when:
 * each decoded sample is mapped to the wall-clock time its Ogg page reached the listener. Pages
 * leave the engine at most 100 ms after their audio was encoded and Icecast forwards them at once,
 * so "heard at" is the program time plus a small, always positive delay: latencies measured with
 * it are upper bounds.
 */

/** A decoded recording of the program with arrival times. */
export interface ProgramRecording {
  readonly samples: Float32Array;
  readonly channels: number;
  /** Wall-clock ms (Date.now) at which the page holding frame `index` had arrived. */
  arrivedAt(index: number): number;
  /** First frame index whose page arrived at or after `wallMs`. */
  indexAt(wallMs: number): number;
}

/** A listener started with {@link startProgramListener}. */
export interface ProgramListener {
  /** Stops listening and decodes what arrived (files go to `dir`). */
  stop(): Promise<ProgramRecording>;
}

/** Connects a listener to `mount` now; resolves once Icecast answered 200. */
export async function startProgramListener(server: { host: string; port: number }, mount: string, dir: string): Promise<ProgramListener> {
  const chunks: { bytes: Buffer; at: number }[] = [];
  const req: ClientRequest = await new Promise((resolve, reject) => {
    const pending = request(
      { host: server.host, port: server.port, path: mount, headers: { 'User-Agent': 'steadycast-test-listener' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`listener got HTTP ${response.statusCode} for ${mount}`));
          return;
        }
        response.on('data', (chunk: Buffer) => chunks.push({ bytes: chunk, at: Date.now() }));
        response.on('error', () => undefined);
        resolve(pending);
      },
    );
    pending.on('error', reject);
    pending.end();
  });
  return {
    async stop() {
      req.destroy();
      const bytes = Buffer.concat(chunks.map((chunk) => chunk.bytes));
      // Arrival time of every byte offset's chunk, then of every page end.
      const chunkEnds: { end: number; at: number }[] = [];
      let offset = 0;
      for (const chunk of chunks) {
        offset += chunk.bytes.length;
        chunkEnds.push({ end: offset, at: chunk.at });
      }
      const { pages } = readOggPages(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      const audioPages: { granule: number; at: number }[] = [];
      let pageEnd = 0;
      for (const page of pages) {
        pageEnd += page.byteLength;
        const granule = Number(page.granule);
        if (granule <= 0) continue;
        const arrival = chunkEnds.find((chunk) => chunk.end >= pageEnd)?.at ?? Date.now();
        audioPages.push({ granule, at: arrival });
      }
      const file = join(dir, `program-${randomInt(1e9)}.opus`);
      await writeFile(file, bytes);
      const wav = `${file}.wav`;
      await run('opusdec', ['--quiet', '--rate', '48000', '--force-wav', file, wav]);
      const reader = WavReader.open(wav);
      let samples: Float32Array;
      let channels: number;
      try {
        samples = reader.read(reader.info.frames);
        channels = reader.info.channels;
      } finally {
        reader.close();
      }
      const frames = Math.floor(samples.length / channels);
      const lastGranule = audioPages.at(-1)?.granule ?? frames;
      const granuleOf = (index: number): number => lastGranule - frames + index;
      return {
        samples,
        channels,
        arrivedAt(index) {
          const granule = granuleOf(index);
          return (audioPages.find((page) => page.granule >= granule) ?? audioPages.at(-1))?.at ?? Number.NaN;
        },
        indexAt(wallMs) {
          const page = audioPages.find((candidate) => candidate.at >= wallMs);
          if (page === undefined) return frames;
          const previous = audioPages[audioPages.indexOf(page) - 1];
          return Math.max(0, Math.min(frames, (previous?.granule ?? page.granule) - (lastGranule - frames)));
        },
      };
    },
  };
}

/**
 * Level (dBFS of a sine's peak) of the `frequencyHz` component in `signal[from, to)` by the
 * Goertzel algorithm with a Hann window: about −6 dB for a −6 dBFS tone, below −60 for silence.
 */
export function toneLevelDb(signal: ArrayLike<number>, frequencyHz: number, from: number, to: number, sampleRate = 48_000): number {
  const n = Math.max(0, Math.min(signal.length, to) - from);
  if (n < 16) return Number.NEGATIVE_INFINITY;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < n; i += 1) {
    const window = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    const s0 = (signal[from + i] ?? 0) * window + coefficient * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
  const amplitude = (2 * Math.sqrt(Math.max(0, power))) / (n * 0.5); // Hann window's coherent gain is 0.5
  return 20 * Math.log10(amplitude + 1e-12);
}
