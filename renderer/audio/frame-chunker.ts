import { PCM_FRAME_LENGTH } from '../../electron/shared/pcm-frame';

/*
 * Re-chunks the audio graph's render quanta (128 samples per channel) into the engine's frames
 * (960 samples per channel, 20 ms at 48 kHz), interleaved stereo. Pure: it runs inside the
 * AudioWorklet and in unit tests alike. 960 is not a multiple of 128, so a quantum may straddle
 * two frames; no sample is dropped or repeated.
 */

/** Takes per-channel blocks of any length and calls `onFrame` with every complete interleaved stereo frame. */
export class StereoFrameChunker {
  private frame: Float32Array;
  /** Samples per channel already in `frame`. */
  private filled = 0;

  constructor(
    private readonly onFrame: (interleaved: Float32Array) => void,
    readonly frameLength: number = PCM_FRAME_LENGTH,
  ) {
    if (!Number.isInteger(frameLength) || frameLength <= 0)
      throw new RangeError(`frameLength must be a positive integer, not ${frameLength}`);
    this.frame = new Float32Array(frameLength * 2);
  }

  /** Samples per channel waiting for the rest of their frame. */
  get pending(): number {
    return this.filled;
  }

  /**
   * Appends one block. `right` absent means mono (copied to both channels); `left` absent means
   * silence of `length` samples (an input with nothing connected). Each emitted frame is a new
   * array the receiver may keep or transfer.
   */
  push(left: Float32Array | undefined, right: Float32Array | undefined, length: number = left?.length ?? 0): void {
    const other = right ?? left;
    let read = 0;
    while (read < length) {
      const count = Math.min(length - read, this.frameLength - this.filled);
      interleaveInto(this.frame, this.filled, left, other, read, count);
      this.filled += count;
      read += count;
      if (this.filled === this.frameLength) {
        const full = this.frame;
        this.frame = new Float32Array(this.frameLength * 2);
        this.filled = 0;
        this.onFrame(full);
      }
    }
  }

  /** Drops a partial frame (e.g. when capture stops, so the next start begins on a frame boundary). */
  reset(): void {
    this.frame.fill(0);
    this.filled = 0;
  }
}

/**
 * Writes `count` samples of two channels into `target` as L R L R …, starting at frame position
 * `at` (in samples per channel) and reading from `from`. A missing channel is silence; samples
 * that are not finite become 0 so one bad value never reaches the encoder.
 */
export function interleaveInto(
  target: Float32Array,
  at: number,
  left: Float32Array | undefined,
  right: Float32Array | undefined,
  from: number,
  count: number,
): void {
  for (let index = 0; index < count; index++) {
    const l = left?.[from + index] ?? 0;
    const r = right?.[from + index] ?? 0;
    target[(at + index) * 2] = Number.isFinite(l) ? l : 0;
    target[(at + index) * 2 + 1] = Number.isFinite(r) ? r : 0;
  }
}
