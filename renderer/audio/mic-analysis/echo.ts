import { FilterChain } from './filters';
import { Fft } from './fft';

/*
 * Echo: how much of the incoming room mix the microphone picks back up. A speaker without
 * headphones plays the room through a loudspeaker; their microphone hears it a little later (the
 * output and input latency plus the air) and sends it back, and everyone hears themselves again.
 *
 * Both signals are band-passed to 200–1500 Hz (where speech lives and any loudspeaker plays),
 * decimated to 4 kHz, and cut in 200 ms blocks. For every block in which the room is sounding,
 * the cross-correlation of the microphone block with the room at lags 0..500 ms (the room leads)
 * is added to a running sum that forgets with a time constant of a few seconds, and so are the
 * energies. The normalized cross-correlation at each lag
 *
 *     r(τ) = Σ mic(t)·room(t−τ) / √(Σ mic² · Σ room(t−τ)²)
 *
 * is 1 when the microphone is nothing but a delayed, scaled copy of the room, about 0 when they
 * are unrelated, and in between when the room's echo is mixed with the speaker's own voice or
 * noise (r² is then the share of the microphone's energy that is the room's echo). The echo score
 * is |r| at the best lag, and the echo delay that lag.
 *
 * Guards against nonsense:
 *   - blocks where the room is below the gate add nothing (silence says nothing about echo), and
 *     with too little room sound in the window (under 1 s) the score is 0 and the delay unknown;
 *   - after the room has been silent for HOLD_MS the evidence is dropped and the score is 0;
 *   - a best lag that is not unique — the correlation as high (within 30 %) more than 10 ms away,
 *     as for a steady tone or a held chord, which correlate with any copy of themselves at every
 *     period — is no evidence of an echo: the score is scaled down by how ambiguous the peak is
 *     and no delay is given.
 *
 * Limits: only what the browser's own echo canceller left in the microphone is seen (that is what
 * is sent); delays over 500 ms (some Bluetooth set-ups) are missed; a pure tone or a sustained
 * chord in the room can not be told apart from the same note played near the microphone; an echo
 * of the audience stream (a second device playing the broadcast, many seconds late) is not the
 * room mix and is not measured here.
 */

/** Rate of the echo analysis. */
export const ECHO_SAMPLE_RATE = 4000;
/** Longest echo delay looked for. */
export const ECHO_MAX_LAG_MS = 500;
/** One block of the running correlation. */
const BLOCK_MS = 200;
/** Time constant of the running sums (only blocks with room sound count). */
const MEMORY_S = 3;
/** Room blocks quieter than this (RMS, dBFS, in the analysis band) add nothing. */
export const ECHO_ROOM_GATE_DBFS = -50;
/** Room sound needed in the running window before a score is given. */
const MIN_EVIDENCE_MS = 1000;
/** Room silence after which the evidence is dropped. */
const HOLD_MS = 3000;
/** Lags closer than this to the best one are its own peak. */
const PEAK_EXCLUSION_MS = 10;
/** The best lag is unambiguous when every lag outside its peak correlates at most this share of it. */
const UNIQUE_RATIO = 0.7;

/** The echo estimate. */
export interface EchoEstimate {
  /** 0..1: the normalized cross-correlation at the best lag (scaled down when the lag is ambiguous). */
  score: number;
  /** The best lag in ms, when the score rests on enough room sound and the lag is unambiguous. */
  delayMs: number | null;
  /** Correlation at the best lag, before the ambiguity penalty (tests and tuning). */
  peak: number;
  /** Highest correlation outside the best lag's peak (tests and tuning). */
  runnerUp: number;
}

const NO_ECHO: EchoEstimate = { score: 0, delayMs: null, peak: 0, runnerUp: 0 };

/** Band-pass + decimation of one signal to the echo rate (from 16 kHz). */
export class EchoBand {
  private readonly highpass: FilterChain;
  private readonly lowpass: FilterChain;
  private phase = 0;

  constructor(
    private readonly inputRate: number,
    private readonly factor = Math.round(inputRate / ECHO_SAMPLE_RATE),
  ) {
    if (inputRate / factor !== ECHO_SAMPLE_RATE)
      throw new Error(`the echo band needs a multiple of ${ECHO_SAMPLE_RATE} Hz, got ${inputRate} Hz`);
    this.highpass = FilterChain.highpass4(inputRate, 200);
    this.lowpass = FilterChain.lowpass4(inputRate, 1500);
  }

  /** Filters one input sample; returns the decimated sample when one is due, else null. */
  process(sample: number): number | null {
    const filtered = this.lowpass.process(this.highpass.process(sample));
    this.phase += 1;
    if (this.phase < this.factor) return null;
    this.phase = 0;
    return filtered;
  }
}

/** Running normalized cross-correlation of microphone and room at the echo rate. */
export class EchoEstimator {
  private readonly block = (ECHO_SAMPLE_RATE * BLOCK_MS) / 1000;
  private readonly maxLag = (ECHO_SAMPLE_RATE * ECHO_MAX_LAG_MS) / 1000;
  private readonly fft: Fft;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** Room: the last maxLag samples before the block, then the block (maxLag + block). */
  private readonly room: Float64Array;
  private readonly mic: Float64Array;
  private fill = 0;
  /** Running sums, per lag. */
  private readonly cross: Float64Array;
  private readonly roomEnergy: Float64Array;
  private micEnergy = 0;
  private readonly prefix: Float64Array;
  private readonly decay = Math.exp(-BLOCK_MS / 1000 / MEMORY_S);
  /** Room sound in the running window, ms (decays like the sums). */
  private evidenceMs = 0;
  private silentMs = 0;
  private readonly gate = 10 ** (ECHO_ROOM_GATE_DBFS / 10);
  private estimateCache: EchoEstimate | null = NO_ECHO;

  constructor() {
    let size = 1;
    while (size < this.maxLag + this.block) size *= 2;
    this.fft = new Fft(size);
    this.re = new Float64Array(size);
    this.im = new Float64Array(size);
    this.room = new Float64Array(this.maxLag + this.block);
    this.mic = new Float64Array(this.block);
    this.cross = new Float64Array(this.maxLag + 1);
    this.roomEnergy = new Float64Array(this.maxLag + 1);
    this.prefix = new Float64Array(this.maxLag + this.block + 1);
  }

  /** One microphone sample and the room sample of the same instant, at the echo rate. */
  push(mic: number, room: number): void {
    this.mic[this.fill] = mic;
    this.room[this.maxLag + this.fill] = room;
    this.fill += 1;
    if (this.fill === this.block) {
      this.endBlock();
      this.fill = 0;
    }
  }

  /** The current estimate. */
  estimate(): EchoEstimate {
    this.estimateCache ??= this.compute();
    return this.estimateCache;
  }

  /** Drops all evidence (the microphone was muted, or the room changed). */
  reset(): void {
    this.cross.fill(0);
    this.roomEnergy.fill(0);
    this.micEnergy = 0;
    this.evidenceMs = 0;
    this.silentMs = 0;
    this.room.fill(0);
    this.estimateCache = NO_ECHO;
  }

  private endBlock(): void {
    const { block, maxLag, room } = this;
    let roomBlockEnergy = 0;
    for (let t = maxLag; t < maxLag + block; t += 1) roomBlockEnergy += (room[t] as number) ** 2;
    if (roomBlockEnergy / block >= this.gate) {
      this.silentMs = 0;
      this.accumulate();
    } else {
      this.silentMs += BLOCK_MS;
      if (this.silentMs >= HOLD_MS && this.evidenceMs > 0) {
        this.cross.fill(0);
        this.roomEnergy.fill(0);
        this.micEnergy = 0;
        this.evidenceMs = 0;
        this.estimateCache = NO_ECHO;
      }
    }
    // Shift the room history by one block.
    room.copyWithin(0, block, maxLag + block);
  }

  private accumulate(): void {
    const { block, maxLag, room, mic, re, im, fft } = this;
    const size = fft.size;
    // One complex FFT for both: real part the room segment, imaginary part the microphone block.
    re.fill(0);
    im.fill(0);
    for (let i = 0; i < maxLag + block; i += 1) re[i] = room[i] as number;
    for (let t = 0; t < block; t += 1) im[t] = mic[t] as number;
    fft.forward(re, im);
    // X = room spectrum, M = mic spectrum; correlation spectrum conj(M)·X, back in re/im.
    for (let k = 0; k <= size / 2; k += 1) {
      const j = (size - k) % size;
      const zr = re[k] as number;
      const zi = im[k] as number;
      const wr = re[j] as number;
      const wi = im[j] as number;
      const xr = (zr + wr) / 2;
      const xi = (zi - wi) / 2;
      const mr = (zi + wi) / 2;
      const mi = (wr - zr) / 2;
      // conj(M)·X
      const pr = mr * xr + mi * xi;
      const pi = mr * xi - mi * xr;
      re[k] = pr;
      im[k] = pi;
      if (j !== k) {
        re[j] = pr;
        im[j] = -pi;
      }
    }
    fft.inverse(re, im);
    // re[j] = Σ_t mic[t]·room[t + j], i.e. lag τ = maxLag − j.
    const prefix = this.prefix;
    prefix[0] = 0;
    for (let i = 0; i < maxLag + block; i += 1) prefix[i + 1] = (prefix[i] as number) + (room[i] as number) ** 2;
    let micBlock = 0;
    for (let t = 0; t < block; t += 1) micBlock += (mic[t] as number) ** 2;
    const decay = this.decay;
    for (let lag = 0; lag <= maxLag; lag += 1) {
      const j = maxLag - lag;
      this.cross[lag] = (this.cross[lag] as number) * decay + (re[j] as number);
      this.roomEnergy[lag] = (this.roomEnergy[lag] as number) * decay + ((prefix[j + block] as number) - (prefix[j] as number));
    }
    this.micEnergy = this.micEnergy * decay + micBlock;
    this.evidenceMs = this.evidenceMs * decay + BLOCK_MS;
    this.estimateCache = null;
  }

  private compute(): EchoEstimate {
    if (this.evidenceMs < MIN_EVIDENCE_MS) return NO_ECHO;
    const { maxLag } = this;
    const micEnergy = this.micEnergy;
    if (!(micEnergy > 0)) return NO_ECHO;
    let best = 0;
    let bestLag = -1;
    const normalized = new Float64Array(maxLag + 1);
    for (let lag = 0; lag <= maxLag; lag += 1) {
      const energy = this.roomEnergy[lag] as number;
      const value = energy > 0 ? Math.abs(this.cross[lag] as number) / Math.sqrt(micEnergy * energy) : 0;
      normalized[lag] = value;
      if (value > best) {
        best = value;
        bestLag = lag;
      }
    }
    if (bestLag < 0) return NO_ECHO;
    const exclusion = (ECHO_SAMPLE_RATE * PEAK_EXCLUSION_MS) / 1000;
    let runnerUp = 0;
    for (let lag = 0; lag <= maxLag; lag += 1)
      if (Math.abs(lag - bestLag) > exclusion && (normalized[lag] as number) > runnerUp) runnerUp = normalized[lag] as number;
    const peak = Math.min(1, best);
    // Ambiguity: 1 when the runner-up is under UNIQUE_RATIO of the peak, 0 when it equals it.
    const ratio = best > 0 ? runnerUp / best : 1;
    const unique = ratio <= UNIQUE_RATIO ? 1 : Math.max(0, (1 - ratio) / (1 - UNIQUE_RATIO));
    const score = peak * unique;
    return { score, delayMs: unique >= 1 ? (bestLag * 1000) / ECHO_SAMPLE_RATE : null, peak, runnerUp };
  }
}
