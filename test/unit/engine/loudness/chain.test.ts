import { describe, expect, test } from 'vitest';
import { Leveller } from '../../../../electron/engine/loudness/leveller';
import { LoudnessMeter } from '../../../../electron/engine/loudness/loudness-meter';
import { CODEC_HEADROOM_DB, ProgramChain } from '../../../../electron/engine/loudness/program-chain';
import { TruePeakDetector } from '../../../../electron/engine/loudness/true-peak';
import { LIMITER_DELAY_SAMPLES, LIMITER_LOOKAHEAD_MS, TruePeakLimiter } from '../../../../electron/engine/loudness/true-peak-limiter';

const RATE = 48_000;
const FRAME = 960;

/** Tone bursts like phrases: `onSeconds` of a 997 Hz sine at `peakDbfs`, then `offSeconds` of silence, repeated. */
function phrases(seconds: number, peakDbfs: number, channels: 1 | 2, onSeconds = 1.2, offSeconds = 0.4, frequencyHz = 997): Float32Array {
  const frames = Math.round(seconds * RATE);
  const amplitude = 10 ** (peakDbfs / 20);
  const period = onSeconds + offSeconds;
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i += 1) {
    const t = i / RATE;
    const value = t % period < onSeconds ? amplitude * Math.sin(2 * Math.PI * frequencyHz * t) : 0;
    for (let channel = 0; channel < channels; channel += 1) out[i * channels + channel] = value;
  }
  return out;
}

/** Runs audio through `process` in 20 ms frames, in place, as the encoder's worker does. */
function inFrames(samples: Float32Array, channels: number, process: (frame: Float32Array) => void): Float32Array {
  for (let at = 0; at < samples.length; at += FRAME * channels) process(samples.subarray(at, at + FRAME * channels));
  return samples;
}

function loudnessOf(samples: Float32Array, channels: 1 | 2): number {
  const meter = new LoudnessMeter(channels);
  meter.push(samples);
  return meter.reading().integratedLufs ?? Number.NaN;
}

function truePeakDb(samples: Float32Array, channels: 1 | 2): number {
  return 20 * Math.log10(new TruePeakDetector(channels).process(samples, 0, samples.length / channels));
}

describe('TruePeakLimiter', () => {
  test('holds a signal whose peaks fall between samples under the ceiling (true peak, not sample peak)', () => {
    // A quarter-rate sine sampled at 45°: samples at 0.85, true peak 1.2 (+1.6 dBTP).
    const audio = new Float32Array(RATE * 2);
    for (let i = 0; i < RATE; i += 1) {
      const value = 1.2 * Math.sin((Math.PI / 2) * i + Math.PI / 4);
      audio[2 * i] = value;
      audio[2 * i + 1] = -value;
    }
    expect(truePeakDb(audio, 2)).toBeGreaterThan(1.5);
    const limiter = new TruePeakLimiter(2, -1);
    inFrames(audio, 2, (frame) => limiter.process(frame));
    expect(truePeakDb(audio, 2)).toBeLessThanOrEqual(-1 + 0.01);
    expect(limiter.takeDeepestReductionDb()).toBeLessThan(-2.5);
  });

  test('never lets a sudden peak through: a full-scale step after silence', () => {
    const audio = new Float32Array(RATE);
    for (let i = RATE / 2; i < RATE; i += 1) audio[i] = i % 2 === 0 ? 1 : -1;
    const limiter = new TruePeakLimiter(1, -1);
    inFrames(audio, 1, (frame) => limiter.process(frame));
    expect(truePeakDb(audio, 1)).toBeLessThanOrEqual(-1 + 0.01);
  });

  test(`below the ceiling it is a pure delay of ${LIMITER_LOOKAHEAD_MS} ms look-ahead plus the interpolator's centre`, () => {
    const audio = new Float32Array(FRAME * 2);
    audio[100] = 0.5;
    const limiter = new TruePeakLimiter(1, -1);
    inFrames(audio, 1, (frame) => limiter.process(frame));
    expect(audio[100 + LIMITER_DELAY_SAMPLES]).toBe(0.5);
    expect(audio.filter((value) => value !== 0)).toHaveLength(1);
    expect(LIMITER_DELAY_SAMPLES).toBe(248);
  });
});

describe('Leveller', () => {
  test('brings a quiet source up and a loud one down to the target', () => {
    for (const level of [-32, -20, -6]) {
      const audio = phrases(30, level, 2);
      const leveller = new Leveller(2, -16);
      inFrames(audio, 2, (frame) => leveller.process(frame));
      // The last 15 s, once the gain has settled.
      expect(loudnessOf(audio.subarray(15 * RATE * 2), 2)).toBeCloseTo(-16, 0);
    }
  }, 60_000);

  test('holds its gain through a pause: no pumping, no noise brought up', () => {
    const speech = phrases(20, -30, 1);
    const pause = new Float32Array(4 * RATE);
    for (let i = 0; i < pause.length; i += 1) pause[i] = 0.0005 * Math.sin(i); // room tone near −70 LUFS
    const leveller = new Leveller(1, -16);
    inFrames(speech, 1, (frame) => leveller.process(frame));
    const before = leveller.currentGainDb;
    const gains: number[] = [];
    inFrames(pause, 1, (frame) => {
      leveller.process(frame);
      gains.push(leveller.currentGainDb);
    });
    expect(Math.max(...gains) - Math.min(...gains)).toBeLessThan(0.5);
    expect(Math.abs(leveller.currentGainDb - before)).toBeLessThan(0.5);
  });

  test('a quiet guest after a loud one is brought up once it is clearly not a pause', () => {
    const audio = new Float32Array([...phrases(30, -10, 1), ...phrases(40, -28, 1)]);
    const leveller = new Leveller(1, -19);
    inFrames(audio, 1, (frame) => leveller.process(frame));
    expect(loudnessOf(audio.subarray(55 * RATE), 1)).toBeCloseTo(-19, 0);
  }, 60_000);
});

describe('ProgramChain', () => {
  test('levels and limits: every level comes out at the target, under the ceiling less the codec headroom', () => {
    for (const level of [-32, -12, 0]) {
      const audio = phrases(30, level, 2, 1.2, 0.4, 3000);
      const chain = new ProgramChain(2, { targetLufs: -16, truePeakDbtp: -1 });
      inFrames(audio, 2, (frame) => chain.process(frame));
      expect(loudnessOf(audio.subarray(15 * RATE * 2), 2)).toBeCloseTo(-16, 0);
      expect(chain.reading().truePeakDbtp).toBeLessThanOrEqual(-1 - CODEC_HEADROOM_DB + 0.01);
    }
  }, 60_000);

  test('off: the program goes out untouched, and is still metered', () => {
    const audio = phrases(10, -20, 2);
    const copy = audio.slice();
    const chain = new ProgramChain(2, 'off');
    inFrames(audio, 2, (frame) => chain.process(frame));
    expect(audio.every((value, i) => value === copy[i])).toBe(true);
    expect(chain.delaySamples).toBe(0);
    expect(chain.reading()).toMatchObject({ levellerGainDb: 0, limiterGainDb: 0 });
    expect(chain.reading().integratedLufs).toBeCloseTo(loudnessOf(copy, 2), 1);
  });
});
