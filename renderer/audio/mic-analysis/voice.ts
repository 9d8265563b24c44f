import type { MicVoice } from '../../../electron/shared/mic-report';
import { FilterChain } from './filters';
import { Fft } from './fft';
import type { VoiceActivityDetector } from './vad';

/*
 * What the microphone carries: speech, steady noise, music, typing — or silence. WebRTC's voice
 * activity detector (libfvad) makes the first speech decision on every 10 ms frame; libfvad alone
 * also fires on much that is not speech (fans, music, clicks), so its decision is combined with
 * features over the last second that tell those apart:
 *
 *   modulation   speech comes in syllables: its level swings by 10 dB and more several times a
 *                second (2–8 Hz). A fan, hiss or hum is steady within a decibel or two.
 *   change       speech's spectrum changes shape all the time (vowels, consonants); steady noise's
 *                spectrum stays what it is.
 *   tonality     music holds notes: narrow spectral peaks that stay within one 15.6 Hz bin of where
 *                they started for 400 ms and longer. A voice's harmonics glide with its pitch and
 *                break at every consonant.
 *   transients   typing is short clicks (under ~60 ms, sharp onset, back to quiet) at a few per
 *                second, with quiet in between; speech is mostly sound with short gaps.
 *
 * The rules (thresholds are the constants below, tuned on espeak-ng speech and sox noise, chords
 * and clicks — see test/unit/renderer/audio/mic-analysis.test.ts), over the last 1.2 s:
 *   1. the 200 ms window below the level gate (mic-analyser.ts)     → silence
 *   2. typing evidence ≥ 0.5                                         → typing
 *      (= ramp(transients per second, 1 → 2) × ramp(frames with sound, 50 % → 35 %))
 *   3. speech probability ≥ 0.5                                     → speech
 *   4. ≥ 8 % of the sound's energy in held notes                    → music
 *   5. otherwise (sound, not speech)                                 → noise
 * speech probability = ramp(share of sounding frames libfvad calls speech, 0.2 → 0.6)
 *                    × ramp(level modulation, 2.5 → 5 dB) × ramp(spectral change, 2 → 4 dB)
 *                    × (1 − ramp(tonality, 0.25 → 0.5)) × (1 − typing evidence).
 * It is a score that saturates (plain speech reads 1, steady noise 0), not a calibrated probability.
 * Without libfvad (it failed to load) the libfvad term is 1 and the features decide alone.
 *
 * Limits, honestly: this is a rule-based classifier, not a trained model. Speech over music as
 * loud as the voice reads as noise or music, and singing between speech and music; a slow,
 * high-pitched, sing-song voice can read as music for a moment (held pitch); a rhythmic noise (a
 * ticking clock, a dripping tap) may read as typing; a steady tone reads as music; and the first
 * second after a change of sound is judged partly on what came before.
 */

/** Sample rate of the analysis (the microphone is resampled to it). */
export const VOICE_SAMPLE_RATE = 16_000;
/** One analysis frame: 10 ms. */
export const FRAME_LENGTH = VOICE_SAMPLE_RATE / 100;
/** Spectrum size: 64 ms (15.6 Hz bins, enough to part a chord's harmonics), Hann window, hop of one frame. */
const SPECTRUM_SIZE = 1024;
/** Frames of context the window's class is judged on: 1.2 s. */
export const CONTEXT_FRAMES = 120;

/** Frames quieter than this count as no sound (dBFS, after a 100 Hz high-pass). */
export const FRAME_GATE_DBFS = -55;

/** Features of one 10 ms frame. */
export interface FrameFeatures {
  /** Energy of the frame, dBFS (floored at -120). */
  energyDb: number;
  /** libfvad's decision. */
  vad: boolean;
  /** Band energies (dB) of the frame's spectrum. */
  bands: Float64Array;
  /** Share of the frame's spectral energy in peaks held for ≥ TONAL_MIN_AGE frames. */
  tonal: number;
}

/** Features over the context, as the classification uses them (exposed for tests and tuning). */
export interface VoiceFeatures {
  /** Frames above the gate, share of the context. */
  soundShare: number;
  /** Of the sounding frames, the share libfvad calls speech. */
  vadShare: number;
  /** Standard deviation of the (30 ms smoothed) level over the context, dB. */
  modulationDb: number;
  /** Mean distance of each frame's band spectrum from the context's average spectrum, dB. */
  spectralChangeDb: number;
  /** Average share of sounding frames' energy in held tonal peaks. */
  tonality: number;
  /** Short transients (clicks) per second. */
  transientsPerSecond: number;
}

/** A window's verdict. */
export interface VoiceVerdict {
  voice: Exclude<MicVoice, 'silence'>;
  speechProbability: number;
  features: VoiceFeatures;
}

/** Band edges in Hz: 20 bands, log-spaced from 100 Hz to 7 kHz. */
const BAND_COUNT = 20;
const BAND_EDGES = Array.from({ length: BAND_COUNT + 1 }, (_, i) => 100 * (7000 / 100) ** (i / BAND_COUNT));

/** Tonal peaks: searched from ~90 Hz to 4 kHz, at least 6 dB above the spectrum 3–4 bins either side. */
const PEAK_FIRST_BIN = 6;
const PEAK_LAST_BIN = 256;
const PEAK_PROMINENCE = 6;
/** A peak is "held" once it has stayed within a bin of where it started for this many frames (400 ms). */
const TONAL_MIN_AGE = 40;

/** A transient: the level rises ≥ 12 dB within 20 ms and falls back ≥ 12 dB within 60 ms. */
const TRANSIENT_RISE_DB = 12;
const TRANSIENT_FALL_DB = 12;
const TRANSIENT_MAX_FRAMES = 6;
/** Sound that is not speech is music when at least this share of its energy is in held notes. */
const MUSIC_TONALITY = 0.08;

const clamp01 = (value: number): number => (value < 0 ? 0 : value > 1 ? 1 : value);
/** 0 at `low`, 1 at `high`, linear between. */
const ramp = (value: number, low: number, high: number): number => clamp01((value - low) / (high - low));

/** Extracts frame features at 16 kHz and judges the last second. */
export class VoiceAnalyser {
  private readonly highpass = FilterChain.highpass4(VOICE_SAMPLE_RATE, 100);
  private readonly fft = new Fft(SPECTRUM_SIZE);
  private readonly window = new Float64Array(SPECTRUM_SIZE);
  private readonly re = new Float64Array(SPECTRUM_SIZE);
  private readonly im = new Float64Array(SPECTRUM_SIZE);
  private readonly power = new Float64Array(SPECTRUM_SIZE / 2 + 1);
  /** Last SPECTRUM_SIZE high-passed samples (ring). */
  private readonly history = new Float64Array(SPECTRUM_SIZE);
  private historyAt = 0;
  /** The current frame: raw (for libfvad) and high-passed. */
  private readonly rawFrame = new Float64Array(FRAME_LENGTH);
  private frameFill = 0;
  private frameSquares = 0;
  private peakAge = new Int32Array(SPECTRUM_SIZE / 2 + 1);
  private nextPeakAge = new Int32Array(SPECTRUM_SIZE / 2 + 1);
  /** Bin where each tracked peak started. */
  private peakAnchor = new Int32Array(SPECTRUM_SIZE / 2 + 1);
  private nextPeakAnchor = new Int32Array(SPECTRUM_SIZE / 2 + 1);
  private readonly bandOf: Int32Array;
  /** Frame features, oldest first, at most CONTEXT_FRAMES + TRANSIENT_MAX_FRAMES. */
  readonly frames: FrameFeatures[] = [];

  constructor(private readonly vad: VoiceActivityDetector | null) {
    if (vad && (vad.sampleRate !== VOICE_SAMPLE_RATE || vad.frameLength !== FRAME_LENGTH))
      throw new Error('the voice activity detector must run at 16 kHz');
    for (let i = 0; i < SPECTRUM_SIZE; i += 1) this.window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / SPECTRUM_SIZE);
    this.bandOf = new Int32Array(SPECTRUM_SIZE / 2 + 1).fill(-1);
    for (let k = 0; k <= SPECTRUM_SIZE / 2; k += 1) {
      const frequency = (k * VOICE_SAMPLE_RATE) / SPECTRUM_SIZE;
      for (let b = 0; b < BAND_COUNT; b += 1)
        if (frequency >= (BAND_EDGES[b] as number) && frequency < (BAND_EDGES[b + 1] as number)) this.bandOf[k] = b;
    }
  }

  /** Takes samples at 16 kHz. */
  push(sample: number): void {
    const filtered = this.highpass.process(sample);
    this.history[this.historyAt] = filtered;
    this.historyAt = (this.historyAt + 1) % SPECTRUM_SIZE;
    this.rawFrame[this.frameFill] = sample;
    this.frameSquares += filtered * filtered;
    this.frameFill += 1;
    if (this.frameFill === FRAME_LENGTH) this.endFrame();
  }

  private endFrame(): void {
    const energyDb = Math.max(-120, 10 * Math.log10(this.frameSquares / FRAME_LENGTH + 1e-20));
    this.frameFill = 0;
    this.frameSquares = 0;
    const vad = this.vad !== null && energyDb > FRAME_GATE_DBFS - 10 ? this.vad.isSpeech(this.rawFrame) : false;

    // Power spectrum of the last 32 ms.
    for (let i = 0; i < SPECTRUM_SIZE; i += 1) {
      this.re[i] = (this.history[(this.historyAt + i) % SPECTRUM_SIZE] as number) * (this.window[i] as number);
      this.im[i] = 0;
    }
    this.fft.forward(this.re, this.im);
    const power = this.power;
    let total = 0;
    for (let k = 0; k <= SPECTRUM_SIZE / 2; k += 1) {
      const value = (this.re[k] as number) ** 2 + (this.im[k] as number) ** 2;
      power[k] = value;
      if (k >= PEAK_FIRST_BIN) total += value;
    }
    const bandPower = new Float64Array(BAND_COUNT);
    for (let k = 0; k <= SPECTRUM_SIZE / 2; k += 1) {
      const band = this.bandOf[k] as number;
      if (band >= 0) bandPower[band] = (bandPower[band] as number) + (power[k] as number);
    }
    const bands = new Float64Array(BAND_COUNT);
    for (let b = 0; b < BAND_COUNT; b += 1) bands[b] = 10 * Math.log10((bandPower[b] as number) + 1e-12);

    // Held tonal peaks: a prominent local maximum tracked from frame to frame (±1 bin) that has
    // stayed within one bin of where it started. A gliding voice drifts off its start and starts over.
    const nextAge = this.nextPeakAge;
    const nextAnchor = this.nextPeakAnchor;
    nextAge.fill(0);
    let tonalEnergy = 0;
    const floor = total * 1e-5;
    for (let k = PEAK_FIRST_BIN; k <= PEAK_LAST_BIN; k += 1) {
      const p = power[k] as number;
      if (p <= floor || p < (power[k - 1] as number) || p < (power[k + 1] as number)) continue;
      const neighbourhood = ((power[k - 4] as number) + (power[k - 3] as number) + (power[k + 3] as number) + (power[k + 4] as number)) / 4;
      if (p < neighbourhood * 10 ** (PEAK_PROMINENCE / 10)) continue;
      let age = 1;
      let anchor = k;
      for (let j = k - 1; j <= k + 1; j += 1) {
        const before = this.peakAge[j] as number;
        const start = this.peakAnchor[j] as number;
        if (before > 0 && Math.abs(start - k) <= 1 && before + 1 > age) {
          age = before + 1;
          anchor = start;
        }
      }
      nextAge[k] = age;
      nextAnchor[k] = anchor;
      if (age >= TONAL_MIN_AGE) tonalEnergy += (power[k - 1] as number) + p + (power[k + 1] as number);
    }
    this.nextPeakAge = this.peakAge;
    this.peakAge = nextAge;
    this.nextPeakAnchor = this.peakAnchor;
    this.peakAnchor = nextAnchor;
    const tonal = total > 0 ? Math.min(1, tonalEnergy / total) : 0;

    this.frames.push({ energyDb, vad, bands, tonal });
    if (this.frames.length > CONTEXT_FRAMES + TRANSIENT_MAX_FRAMES) this.frames.shift();
  }

  /** Features over the context (the last CONTEXT_FRAMES frames). */
  features(): VoiceFeatures {
    const all = this.frames;
    const frames = all.slice(-CONTEXT_FRAMES);
    const n = frames.length;
    if (n === 0) return { soundShare: 0, vadShare: 0, modulationDb: 0, spectralChangeDb: 0, tonality: 0, transientsPerSecond: 0 };

    let sounding = 0;
    let speech = 0;
    let tonal = 0;
    for (const frame of frames) {
      if (frame.energyDb <= FRAME_GATE_DBFS) continue;
      sounding += 1;
      if (frame.vad) speech += 1;
      tonal += frame.tonal;
    }

    // Level modulation: 30 ms smoothed level (floored at the gate), its standard deviation.
    const smoothed: number[] = [];
    for (let i = 2; i < n; i += 1) {
      const power = [0, 1, 2].reduce((sum, back) => sum + 10 ** ((frames[i - back] as FrameFeatures).energyDb / 10), 0) / 3;
      smoothed.push(Math.max(FRAME_GATE_DBFS - 10, 10 * Math.log10(power + 1e-20)));
    }
    const mean = smoothed.reduce((sum, value) => sum + value, 0) / Math.max(1, smoothed.length);
    const modulationDb = Math.sqrt(smoothed.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, smoothed.length));

    // Spectral change: sounding frames' band spectra (30 ms smoothed) against their average.
    const average = new Float64Array(BAND_COUNT);
    const smoothBands: Float64Array[] = [];
    for (let i = 2; i < n; i += 1) {
      if ((frames[i] as FrameFeatures).energyDb <= FRAME_GATE_DBFS) continue;
      const spectrum = new Float64Array(BAND_COUNT);
      for (let b = 0; b < BAND_COUNT; b += 1) {
        const power = [0, 1, 2].reduce((sum, back) => sum + 10 ** (((frames[i - back] as FrameFeatures).bands[b] as number) / 10), 0) / 3;
        spectrum[b] = 10 * Math.log10(power + 1e-12);
      }
      // Shape only: the level is the modulation's business.
      const level = spectrum.reduce((sum, value) => sum + value, 0) / BAND_COUNT;
      for (let b = 0; b < BAND_COUNT; b += 1) {
        spectrum[b] = (spectrum[b] as number) - level;
        average[b] = (average[b] as number) + (spectrum[b] as number);
      }
      smoothBands.push(spectrum);
    }
    let spectralChangeDb = 0;
    if (smoothBands.length > 0) {
      for (let b = 0; b < BAND_COUNT; b += 1) average[b] = (average[b] as number) / smoothBands.length;
      for (const spectrum of smoothBands) {
        let distance = 0;
        for (let b = 0; b < BAND_COUNT; b += 1) distance += Math.abs((spectrum[b] as number) - (average[b] as number));
        spectralChangeDb += distance / BAND_COUNT;
      }
      spectralChangeDb /= smoothBands.length;
    }

    // Transients: onsets in the context whose sound is over within TRANSIENT_MAX_FRAMES.
    let transients = 0;
    const offset = all.length - n;
    for (let i = offset + 2; i < all.length - TRANSIENT_MAX_FRAMES; i += 1) {
      const at = (all[i] as FrameFeatures).energyDb;
      if (at <= FRAME_GATE_DBFS) continue;
      const before = Math.min((all[i - 1] as FrameFeatures).energyDb, (all[i - 2] as FrameFeatures).energyDb);
      if (at - before < TRANSIENT_RISE_DB || (all[i - 1] as FrameFeatures).energyDb >= at) continue;
      let peak = at;
      let end = -1;
      for (let j = i + 1; j <= i + TRANSIENT_MAX_FRAMES; j += 1) {
        const energy = (all[j] as FrameFeatures).energyDb;
        peak = Math.max(peak, energy);
        if (energy <= peak - TRANSIENT_FALL_DB) {
          end = j;
          break;
        }
      }
      if (end >= 0) transients += 1;
    }

    return {
      soundShare: sounding / n,
      vadShare: sounding === 0 ? 0 : speech / sounding,
      modulationDb,
      spectralChangeDb,
      tonality: sounding === 0 ? 0 : tonal / sounding,
      transientsPerSecond: transients / ((n - TRANSIENT_MAX_FRAMES) / 100),
    };
  }

  /** The verdict on the context. */
  classify(): VoiceVerdict {
    const features = this.features();
    const typingEvidence = ramp(features.transientsPerSecond, 1, 2) * ramp(0.5 - features.soundShare, 0, 0.15);
    const modulation = ramp(features.modulationDb, 2.5, 5);
    const change = ramp(features.spectralChangeDb, 2, 4);
    const heldNotes = ramp(features.tonality, MUSIC_TONALITY / 2, MUSIC_TONALITY);
    // Without libfvad (it failed to load) the features decide alone.
    const vadTerm = this.vad ? ramp(features.vadShare, 0.2, 0.6) : 1;
    const speechProbability = clamp01(vadTerm * modulation * change * (1 - ramp(features.tonality, 0.25, 0.5)) * (1 - typingEvidence));
    let voice: VoiceVerdict['voice'];
    if (typingEvidence >= 0.5) voice = 'typing';
    else if (speechProbability >= 0.5) voice = 'speech';
    else if (heldNotes >= 1) voice = 'music';
    else voice = 'noise';
    return { voice, speechProbability, features };
  }

  reset(): void {
    this.frames.length = 0;
    this.peakAge.fill(0);
  }
}
