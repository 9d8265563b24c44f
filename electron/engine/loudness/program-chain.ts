import { KWeighting } from './k-weighting';
import { ESTIMATE_SECONDS, Leveller } from './leveller';
import { LoudnessMeter, STEP_FRAMES, type LoudnessReading } from './loudness-meter';
import { LIMITER_DELAY_SAMPLES, TruePeakLimiter } from './true-peak-limiter';

/*
 * The program chain, run on the one program before the encoder (so every Icecast output and the
 * safety recording carry the same sound), in the encoder's worker:
 *
 *   PCM ─► slow leveller (toward the target) ─► look-ahead true-peak limiter (ceiling) ─► meter ─► Opus
 *
 * The limiter takes loudness off peaky speech (about 1 LU on synthetic speech at −16 LUFS with a
 * −1.5 dBTP ceiling). The chain measures that loss on programme blocks (K-weighted energy before and
 * after the limiter, over the leveller's window) and hands it back to the leveller as make-up gain,
 * at most MAX_MAKEUP_DB, so the program leaves the chain at the target rather than under it.
 *
 * With the chain off the program goes out as it comes; the meter still measures it.
 */

/** The most loudness the leveller adds back for what the limiter takes, dB. */
export const MAX_MAKEUP_DB = 3;

/** How the program's loudness is handled: a target and a ceiling, or off. */
export type ProgramLoudness = { readonly targetLufs: number; readonly truePeakDbtp: number } | 'off';

/** The default: streaming practice for stereo speech, −16 LUFS integrated, true peak ≤ −1 dBTP. */
export const DEFAULT_PROGRAM_LOUDNESS: ProgramLoudness = { targetLufs: -16, truePeakDbtp: -1 };

/**
 * Extra headroom under the ceiling the limiter aims for, dB: Opus adds a little overshoot of its
 * own (measured after decoding), and the audience hears the decoded program.
 */
export const CODEC_HEADROOM_DB = 0.5;

/** What the chain did in the last interval (for the meters), beside the loudness readings. */
export interface ProgramChainReading extends LoudnessReading {
  /** The leveller's gain now, dB (0 with the chain off). */
  levellerGainDb: number;
  /** The deepest limiter gain reduction since the previous reading, dB (≤ 0). */
  limiterGainDb: number;
}

/** One program's chain and meter; processes interleaved 48 kHz frames in place. */
export class ProgramChain {
  private readonly leveller: Leveller | null;
  private readonly limiter: TruePeakLimiter | null;
  private readonly meter: LoudnessMeter;
  private readonly before: KWeighting;
  private readonly after: KWeighting;
  private stepFill = 0;
  private beforeSum = 0;
  private afterSum = 0;
  private beforeMean = 0;
  private afterMean = 0;
  private countedSeen = 0;
  private lossBlocks = 0;

  constructor(
    readonly channels: 1 | 2,
    readonly loudness: ProgramLoudness,
  ) {
    this.meter = new LoudnessMeter(channels);
    this.before = new KWeighting(channels);
    this.after = new KWeighting(channels);
    if (loudness === 'off') {
      this.leveller = null;
      this.limiter = null;
    } else {
      this.leveller = new Leveller(channels, loudness.targetLufs);
      this.limiter = new TruePeakLimiter(channels, loudness.truePeakDbtp - CODEC_HEADROOM_DB);
    }
  }

  /** Samples by which the chain delays the program (the limiter's look-ahead; 0 when off). */
  get delaySamples(): number {
    return this.limiter ? LIMITER_DELAY_SAMPLES : 0;
  }

  /** Levels, limits and meters `samples` in place. */
  process(samples: Float32Array): void {
    if (this.leveller && this.limiter) {
      this.leveller.process(samples);
      const frames = Math.floor(samples.length / this.channels);
      this.beforeSum += this.before.sumOfSquares(samples, 0, frames);
      this.limiter.process(samples);
      this.afterSum += this.after.sumOfSquares(samples, 0, frames);
      this.stepFill += frames;
      // Frames are 20 ms, so steps end on a frame boundary; a longer call just makes a longer step.
      if (this.stepFill >= STEP_FRAMES) this.completeStep(this.leveller);
    }
    this.meter.push(samples);
  }

  private completeStep(leveller: Leveller): void {
    const counted = leveller.countedBlocks;
    // Only while the leveller is settled: a loud start (gain still at 0 dB) over-limits for a moment,
    // and counting that loss would hold the gain too high for seconds after.
    if (counted > this.countedSeen && leveller.settled) {
      this.lossBlocks += 1;
      const weight = 1 / Math.min(this.lossBlocks, ESTIMATE_SECONDS * 10);
      this.beforeMean += (this.beforeSum / this.stepFill - this.beforeMean) * weight;
      this.afterMean += (this.afterSum / this.stepFill - this.afterMean) * weight;
      if (this.afterMean > 0 && this.beforeMean > 0) {
        leveller.setMakeupDb(Math.max(0, Math.min(MAX_MAKEUP_DB, 10 * Math.log10(this.beforeMean / this.afterMean))));
      }
    }
    this.countedSeen = counted;
    this.stepFill = 0;
    this.beforeSum = 0;
    this.afterSum = 0;
  }

  /** The meter's readings of the program as it leaves the chain, and what the chain is doing. */
  reading(): ProgramChainReading {
    return {
      ...this.meter.reading(),
      levellerGainDb: this.leveller?.currentGainDb ?? 0,
      limiterGainDb: this.limiter?.takeDeepestReductionDb() ?? 0,
    };
  }
}
