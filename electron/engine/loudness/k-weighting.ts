/*
 * ITU-R BS.1770-4 K-weighting at 48 kHz: a high-shelf (+4 dB above ~1.5 kHz, the head's effect)
 * followed by the RLB high-pass (~38 Hz). The coefficients are the standard's own table for 48 kHz;
 * the engine only ever runs at 48 kHz, so no other rate is designed here.
 */

/** One biquad's coefficients (a0 normalised to 1). */
export interface BiquadCoefficients {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/** Stage 1: the pre-filter (high shelf), BS.1770-4 table 1. */
export const K_SHELF_48K: BiquadCoefficients = {
  b0: 1.53512485958697,
  b1: -2.69169618940638,
  b2: 1.19839281085285,
  a1: -1.69065929318241,
  a2: 0.73248077421585,
};

/** Stage 2: the RLB weighting (high-pass), BS.1770-4 table 2. */
export const K_HIGHPASS_48K: BiquadCoefficients = {
  b0: 1,
  b1: -2,
  b2: 1,
  a1: -1.99004745483398,
  a2: 0.99007225036621,
};

/**
 * K-weights interleaved audio and returns the sum over channels of the squared filtered samples
 * (each channel weighted 1, as BS.1770 does for left, right and centre). Keeps its own filter state
 * per channel so successive calls continue one stream.
 */
export class KWeighting {
  /** Per channel: shelf x1 x2 y1 y2, then high-pass y1 y2 (its input is the shelf's output). */
  private readonly state: Float64Array;

  constructor(readonly channels: number) {
    this.state = new Float64Array(channels * 6);
  }

  /** Filters `count` frames of `samples` starting at frame `from`; returns Σ over frames and channels of y². */
  sumOfSquares(samples: Float32Array, from: number, count: number): number {
    const { channels, state } = this;
    const s = K_SHELF_48K;
    const h = K_HIGHPASS_48K;
    let total = 0;
    for (let channel = 0; channel < channels; channel += 1) {
      const base = channel * 6;
      let x1 = state[base] ?? 0;
      let x2 = state[base + 1] ?? 0;
      let y1 = state[base + 2] ?? 0;
      let y2 = state[base + 3] ?? 0;
      let z1 = state[base + 4] ?? 0;
      let z2 = state[base + 5] ?? 0;
      let sum = 0;
      const end = (from + count) * channels;
      for (let i = from * channels + channel; i < end; i += channels) {
        const x = samples[i] ?? 0;
        const y = s.b0 * x + s.b1 * x1 + s.b2 * x2 - s.a1 * y1 - s.a2 * y2;
        x2 = x1;
        x1 = x;
        // The high-pass's numerator is 1, −2, 1, so its input history is the shelf's output history.
        const z = y - 2 * y1 + y2 - h.a1 * z1 - h.a2 * z2;
        y2 = y1;
        y1 = y;
        z2 = z1;
        z1 = z;
        sum += z * z;
      }
      state[base] = x1;
      state[base + 1] = x2;
      state[base + 2] = y1;
      state[base + 3] = y2;
      state[base + 4] = z1;
      state[base + 5] = z2;
      total += sum;
    }
    return total;
  }

  /** Forgets the filter history. */
  reset(): void {
    this.state.fill(0);
  }
}
