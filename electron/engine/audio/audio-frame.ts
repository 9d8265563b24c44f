/*
 * The engine's unit of program audio: 20 ms at 48 kHz, float32 interleaved in [-1, 1]. Every source
 * produces exactly these, whatever it reads, so the encoder, meters and recording never re-chunk.
 */

/** The engine's sample rate. */
export const SAMPLE_RATE = 48_000;
/** Samples per channel in one frame (20 ms at 48 kHz). */
export const FRAME_SAMPLES = 960;
/** Duration of one frame in milliseconds. */
export const FRAME_MS = 20;

/** Channel count the engine carries: mono or stereo. */
export type ChannelCount = 1 | 2;

/** One 20 ms frame of program audio. */
export interface AudioFrame {
  /** Interleaved samples, FRAME_SAMPLES × channels of them. */
  samples: Float32Array;
  channels: ChannelCount;
  /** Frame counter of the source that made it, from 0. */
  index: number;
}

/** Something that produces 20 ms frames until stopped. */
export interface PcmSource {
  readonly channels: ChannelCount;
  /** Human-readable origin, e.g. "tone 440 Hz" or a file name; never holds secrets. */
  readonly description: string;
  /** Starts producing; every frame goes to `sink`, in order. */
  start(sink: (frame: AudioFrame) => void): void;
  /** Stops producing; no frame reaches the sink after this returns. */
  stop(): void;
}

/** A silent frame. */
export function silentFrame(channels: ChannelCount, index: number): AudioFrame {
  return { samples: new Float32Array(FRAME_SAMPLES * channels), channels, index };
}

/**
 * Converts interleaved audio between mono and stereo: stereo → mono averages the two channels
 * (so a centred signal keeps its level), mono → stereo copies the channel to both sides.
 * Returns the input itself when the counts match.
 */
export function convertChannels(samples: Float32Array, from: ChannelCount, to: ChannelCount): Float32Array {
  if (from === to) return samples;
  if (from === 1) {
    const out = new Float32Array(samples.length * 2);
    for (let i = 0; i < samples.length; i += 1) {
      const value = samples[i] ?? 0;
      out[2 * i] = value;
      out[2 * i + 1] = value;
    }
    return out;
  }
  const out = new Float32Array(samples.length >> 1);
  for (let i = 0; i < out.length; i += 1) out[i] = ((samples[2 * i] ?? 0) + (samples[2 * i + 1] ?? 0)) / 2;
  return out;
}
