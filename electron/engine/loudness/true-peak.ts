/*
 * True peak by 4× oversampling (BS.1770-4 annex 2): a polyphase FIR interpolator estimates the
 * signal between samples, where a reconstructed waveform peaks above the largest sample (up to
 * +3 dB for a quarter-rate sine sampled at 45°).
 *
 * The interpolator is a Kaiser-windowed sinc of TAPS_PER_PHASE taps per phase. Phase 0 of a sinc is
 * the delayed sample itself, so only phases 1–3 are computed. Every output is delayed by
 * TRUE_PEAK_DELAY samples against the input (the filter's centre).
 */

/** Taps per polyphase branch (64-tap prototype at 192 kHz). */
export const TAPS_PER_PHASE = 16;
/** Samples by which the interpolated values lag the input. */
export const TRUE_PEAK_DELAY = TAPS_PER_PHASE / 2;
/** Oversampling factor. */
export const OVERSAMPLING = 4;

const KAISER_BETA = 7;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  for (let k = 1; k < 50; k += 1) {
    term *= (x / (2 * k)) ** 2;
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Taps of phases 1..3, each TAPS_PER_PHASE long, normalised to unity gain at DC. */
function designPhases(): Float64Array[] {
  const phases: Float64Array[] = [];
  const half = TRUE_PEAK_DELAY + 0.5;
  for (let phase = 1; phase < OVERSAMPLING; phase += 1) {
    const fraction = phase / OVERSAMPLING;
    const taps = new Float64Array(TAPS_PER_PHASE);
    let sum = 0;
    for (let j = 0; j < TAPS_PER_PHASE; j += 1) {
      // Tap j weighs x[k − j] for the point k − DELAY + fraction.
      const t = j - TRUE_PEAK_DELAY + fraction;
      const sinc = Math.sin(Math.PI * t) / (Math.PI * t);
      const u = t / half;
      const window = besselI0(KAISER_BETA * Math.sqrt(Math.max(0, 1 - u * u))) / besselI0(KAISER_BETA);
      taps[j] = sinc * window;
      sum += sinc * window;
    }
    for (let j = 0; j < TAPS_PER_PHASE; j += 1) taps[j] = (taps[j] ?? 0) / sum;
    phases.push(taps);
  }
  return phases;
}

const PHASES = designPhases();

/**
 * Streams interleaved audio through the interpolator. For each input frame it yields the largest
 * absolute value, over channels, of the sample TRUE_PEAK_DELAY frames back and of the three
 * interpolated points after it.
 */
export class TruePeakDetector {
  /** Per channel, a doubled ring of the last TAPS_PER_PHASE samples (so a window is contiguous). */
  private readonly history: Float64Array[];
  private position = 0;

  constructor(readonly channels: number) {
    this.history = Array.from({ length: channels }, () => new Float64Array(TAPS_PER_PHASE * 2));
  }

  /**
   * Feeds `count` frames from frame `from` of `samples`. Writes each frame's peak (linear) to
   * `peaks[offset + n]` when `peaks` is given; returns the largest of them.
   */
  process(samples: Float32Array, from: number, count: number, peaks?: Float32Array, offset = 0): number {
    const { channels, history } = this;
    const p1 = PHASES[0] as Float64Array;
    const p2 = PHASES[1] as Float64Array;
    const p3 = PHASES[2] as Float64Array;
    let blockMax = 0;
    let position = this.position;
    for (let n = 0; n < count; n += 1) {
      position = position === 0 ? TAPS_PER_PHASE - 1 : position - 1;
      let peak = 0;
      for (let channel = 0; channel < channels; channel += 1) {
        const ring = history[channel] as Float64Array;
        const x = samples[(from + n) * channels + channel] ?? 0;
        // Newest sample first: ring[position + j] is x[k − j].
        ring[position] = x;
        ring[position + TAPS_PER_PHASE] = x;
        let a = 0;
        let b = 0;
        let c = 0;
        for (let j = 0; j < TAPS_PER_PHASE; j += 1) {
          const v = ring[position + j] ?? 0;
          a += v * (p1[j] ?? 0);
          b += v * (p2[j] ?? 0);
          c += v * (p3[j] ?? 0);
        }
        const centre = Math.abs(ring[position + TRUE_PEAK_DELAY] ?? 0);
        const m = Math.max(centre, Math.abs(a), Math.abs(b), Math.abs(c));
        if (m > peak) peak = m;
      }
      if (peaks) peaks[offset + n] = peak;
      if (peak > blockMax) blockMax = peak;
    }
    this.position = position;
    return blockMax;
  }

  /** Forgets the history. */
  reset(): void {
    for (const ring of this.history) ring.fill(0);
    this.position = 0;
  }
}
