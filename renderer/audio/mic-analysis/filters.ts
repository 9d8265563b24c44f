/*
 * Streaming filters and the resampler of the microphone analysis. Both the microphone and the
 * room mix go through identical filters, so whatever phase the filters add cancels out of their
 * cross-correlation.
 */

/** One biquad section (RBJ cookbook), direct form I, with its own state. */
export class Biquad {
  private x1 = 0;
  private x2 = 0;
  private y1 = 0;
  private y2 = 0;

  private constructor(
    private readonly b0: number,
    private readonly b1: number,
    private readonly b2: number,
    private readonly a1: number,
    private readonly a2: number,
  ) {}

  /** Low-pass at `frequency` Hz (Q 0.7071: Butterworth for one section). */
  static lowpass(sampleRate: number, frequency: number, q = Math.SQRT1_2): Biquad {
    const w = (2 * Math.PI * frequency) / sampleRate;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    return new Biquad((1 - cos) / 2 / a0, (1 - cos) / a0, (1 - cos) / 2 / a0, (-2 * cos) / a0, (1 - alpha) / a0);
  }

  /** High-pass at `frequency` Hz. */
  static highpass(sampleRate: number, frequency: number, q = Math.SQRT1_2): Biquad {
    const w = (2 * Math.PI * frequency) / sampleRate;
    const alpha = Math.sin(w) / (2 * q);
    const cos = Math.cos(w);
    const a0 = 1 + alpha;
    return new Biquad((1 + cos) / 2 / a0, -(1 + cos) / a0, (1 + cos) / 2 / a0, (-2 * cos) / a0, (1 - alpha) / a0);
  }

  process(x: number): number {
    const y = this.b0 * x + this.b1 * this.x1 + this.b2 * this.x2 - this.a1 * this.y1 - this.a2 * this.y2;
    this.x2 = this.x1;
    this.x1 = x;
    this.y2 = this.y1;
    // Flush denormals: a filter ringing down to nothing must not slow the whole analysis.
    this.y1 = Math.abs(y) < 1e-30 ? 0 : y;
    return this.y1;
  }
}

/** Q of the sections of a 4th-order Butterworth filter. */
const BUTTERWORTH_4_Q = [0.5411961, 1.306563];

/** A cascade of biquads. */
export class FilterChain {
  constructor(private readonly sections: readonly Biquad[]) {}

  /** 4th-order Butterworth low-pass. */
  static lowpass4(sampleRate: number, frequency: number): FilterChain {
    return new FilterChain(BUTTERWORTH_4_Q.map((q) => Biquad.lowpass(sampleRate, frequency, q)));
  }

  /** 4th-order Butterworth high-pass. */
  static highpass4(sampleRate: number, frequency: number): FilterChain {
    return new FilterChain(BUTTERWORTH_4_Q.map((q) => Biquad.highpass(sampleRate, frequency, q)));
  }

  process(x: number): number {
    let y = x;
    for (const section of this.sections) y = section.process(y);
    return y;
  }
}

/**
 * Streaming resampler to a lower analysis rate: an 8th-order Butterworth low-pass at 45 % of the
 * target rate, then linear interpolation at the exact ratio (any input rate: 48 kHz, 44.1 kHz,
 * 96 kHz…). Good enough for analysis — not for listening. Equal rates pass straight through.
 */
export class Resampler {
  private readonly step: number;
  private readonly filter: FilterChain | null;
  /** Position of the next output sample, in input samples after `previous`. */
  private position = 0;
  private previous = 0;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
  ) {
    if (outputRate > inputRate) throw new Error(`the analysis resamples down only (${inputRate} Hz to ${outputRate} Hz)`);
    this.step = inputRate / outputRate;
    this.filter =
      inputRate === outputRate
        ? null
        : new FilterChain([...BUTTERWORTH_4_Q, ...BUTTERWORTH_4_Q].map((q) => Biquad.lowpass(inputRate, outputRate * 0.45, q)));
  }

  /** Resamples `input`, appending output samples through `emit`. */
  process(input: ArrayLike<number>, emit: (sample: number) => void): void {
    const filter = this.filter;
    if (!filter) {
      for (let i = 0; i < input.length; i += 1) emit(input[i] as number);
      return;
    }
    for (let i = 0; i < input.length; i += 1) {
      const current = filter.process(input[i] as number);
      // Output samples falling between `previous` (at 0) and `current` (at 1).
      while (this.position <= 1) {
        emit(this.previous + (current - this.previous) * this.position);
        this.position += this.step;
      }
      this.position -= 1;
      this.previous = current;
    }
  }
}
