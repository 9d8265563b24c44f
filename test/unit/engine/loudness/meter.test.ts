import { describe, expect, test } from 'vitest';
import { LoudnessMeter, STEP_FRAMES } from '../../../../electron/engine/loudness/loudness-meter';
import { TruePeakDetector, TRUE_PEAK_DELAY } from '../../../../electron/engine/loudness/true-peak';

const RATE = 48_000;

/** A sine of `seconds` at `peakDbfs`, interleaved over `channels`, starting at `phase` radians. */
function sine(seconds: number, peakDbfs: number, channels: 1 | 2, frequencyHz = 997, phase = 0): Float32Array {
  const frames = Math.round(seconds * RATE);
  const amplitude = 10 ** (peakDbfs / 20);
  const out = new Float32Array(frames * channels);
  for (let i = 0; i < frames; i += 1) {
    const value = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / RATE + phase);
    for (let channel = 0; channel < channels; channel += 1) out[i * channels + channel] = value;
  }
  return out;
}

function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Feeds audio in 20 ms frames, as the engine does. */
function measure(samples: Float32Array, channels: 1 | 2): LoudnessMeter {
  const meter = new LoudnessMeter(channels);
  const frame = 960 * channels;
  for (let at = 0; at < samples.length; at += frame) meter.push(samples.subarray(at, at + frame));
  return meter;
}

describe('LoudnessMeter (EBU Tech 3341/3342 cases)', () => {
  test('a stereo 1 kHz sine at −23 dBFS reads −23 LUFS momentary, short-term and integrated', () => {
    const reading = measure(sine(10, -23, 2), 2).reading();
    expect(reading.momentaryLufs).toBeCloseTo(-23, 1);
    expect(reading.shortTermLufs).toBeCloseTo(-23, 1);
    expect(reading.integratedLufs).toBeCloseTo(-23, 1);
    expect(reading.rangeLu).toBeLessThan(0.2);
    expect(reading.truePeakDbtp).toBeCloseTo(-23, 1);
  });

  test('the same sine in mono reads 3 LU lower (one channel, weight 1)', () => {
    expect(measure(sine(5, -23, 1), 1).reading().integratedLufs).toBeCloseTo(-26, 1);
  });

  test('the relative gate drops quiet passages: −36, −23, −36 dBFS reads −23 LUFS integrated (Tech 3341 case 3)', () => {
    const audio = concat(sine(10, -36, 2), sine(60, -23, 2), sine(10, -36, 2));
    expect(measure(audio, 2).reading().integratedLufs).toBeCloseTo(-23, 1);
  });

  test('the absolute gate ignores silence: a tone with long silence on either side keeps its loudness', () => {
    const audio = concat(new Float32Array(20 * RATE * 2), sine(10, -20, 2), new Float32Array(20 * RATE * 2));
    // The blocks straddling each edge (partly silent, within 10 LU of the tone) count, as the standard says: −20.1.
    const integrated = measure(audio, 2).reading().integratedLufs ?? 0;
    expect(integrated).toBeGreaterThan(-20.3);
    expect(integrated).toBeLessThanOrEqual(-20);
  });

  test('loudness range: 20 s at −20 then 20 s at −30 LUFS reads 10 LU (Tech 3342 case 1)', () => {
    const audio = concat(sine(20, -20, 2), sine(20, -30, 2));
    expect(measure(audio, 2).reading().rangeLu).toBeGreaterThan(9);
    expect(measure(audio, 2).reading().rangeLu).toBeLessThan(11);
  });

  test('no readings before there is audio enough to give them', () => {
    const meter = new LoudnessMeter(2);
    meter.push(sine(0.3, -20, 2));
    expect(meter.reading()).toMatchObject({ momentaryLufs: null, shortTermLufs: null, integratedLufs: null, rangeLu: null });
    meter.push(sine(0.1, -20, 2));
    expect(meter.reading().momentaryLufs).toBeCloseTo(-20, 0);
    expect(meter.completedSteps).toBe(4);
    expect(meter.reading().shortTermLufs).toBeNull();
    const silent = measure(new Float32Array(5 * RATE * 2), 2).reading();
    expect(silent).toEqual({ momentaryLufs: null, shortTermLufs: null, integratedLufs: null, rangeLu: null, truePeakDbtp: null });
    expect(STEP_FRAMES).toBe(RATE / 10);
  });
});

describe('TruePeakDetector', () => {
  test('finds the peak between samples: a quarter-rate sine sampled at 45° peaks 3 dB above its samples', () => {
    const audio = sine(1, 0, 1, RATE / 4, Math.PI / 4);
    const samplePeak = audio.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
    expect(20 * Math.log10(samplePeak)).toBeCloseTo(-3.01, 1);
    const detector = new TruePeakDetector(1);
    const truePeak = 20 * Math.log10(detector.process(audio, 0, audio.length));
    expect(truePeak).toBeGreaterThan(-0.3);
    expect(truePeak).toBeLessThan(0.3);
  });

  test('reports each sample’s peak TRUE_PEAK_DELAY samples late, and tracks both channels', () => {
    const audio = new Float32Array(64 * 2);
    audio[20 * 2 + 1] = 0.5; // one click in the right channel
    const peaks = new Float32Array(64);
    new TruePeakDetector(2).process(audio, 0, 64, peaks);
    expect(peaks[20 + TRUE_PEAK_DELAY]).toBeCloseTo(0.5, 6);
    expect(peaks.indexOf(Math.max(...peaks))).toBe(20 + TRUE_PEAK_DELAY);
  });
});
