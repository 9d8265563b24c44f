import { describe, expect, test } from 'vitest';
import { FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame } from '../../../../electron/engine/audio/audio-frame';
import {
  LevelMeter,
  measureFrame,
  SILENCE_FLOOR_DBFS,
  SilenceDetector,
  type SilenceTransition,
} from '../../../../electron/engine/audio/meters';

function sineFrame(amplitude: number, channels: 1 | 2 = 1, frequencyHz = 1000): AudioFrame {
  const samples = new Float32Array(FRAME_SAMPLES * channels);
  for (let i = 0; i < FRAME_SAMPLES; i += 1) {
    for (let channel = 0; channel < channels; channel += 1)
      samples[i * channels + channel] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / SAMPLE_RATE + Math.PI / 2);
  }
  return { samples, channels, index: 0 };
}

describe('measureFrame', () => {
  test('a full-scale sine peaks at 0 dBFS with an RMS of −3.01 dBFS and clips at its crests', () => {
    const reading = measureFrame(sineFrame(1, 2));
    expect(reading.peakDbfs).toBeCloseTo(0, 3);
    expect(reading.rmsDbfs).toBeCloseTo(-3.01, 2);
    // 1 kHz at 48 kHz starting at a crest: samples 0, 24, 48 … hit exactly ±1.0 (40 crests × 2 channels).
    expect(reading.clipped).toBe(80);
  });

  test('−20 dBFS sine, and digital silence as a finite floor that survives JSON', () => {
    const reading = measureFrame(sineFrame(0.1));
    expect(reading.peakDbfs).toBeCloseTo(-20, 3);
    expect(reading.rmsDbfs).toBeCloseTo(-23.01, 2);
    expect(reading.clipped).toBe(0);
    const silence = measureFrame({ samples: new Float32Array(FRAME_SAMPLES), channels: 1, index: 0 });
    expect(silence).toEqual({ peakDbfs: SILENCE_FLOOR_DBFS, rmsDbfs: SILENCE_FLOOR_DBFS, clipped: 0 });
    expect(JSON.parse(JSON.stringify(silence))).toEqual(silence);
  });

  test('counts every sample at or beyond full scale, in both directions', () => {
    const samples = new Float32Array(FRAME_SAMPLES);
    samples.set([1, -1, 1.5, -2, 0.999_999]);
    const reading = measureFrame({ samples, channels: 1, index: 0 });
    expect(reading.clipped).toBe(4);
    expect(reading.peakDbfs).toBeCloseTo(20 * Math.log10(2), 6);
  });
});

describe('LevelMeter', () => {
  test('keeps the latest reading and accumulates clipping until reset', () => {
    const meter = new LevelMeter();
    expect(meter.latest).toBeNull();
    meter.update(sineFrame(1));
    meter.update(sineFrame(1));
    meter.update(sineFrame(0.5));
    expect(meter.clippedSamples).toBe(80); // 40 crests in each full-scale frame, none at half scale
    expect(meter.frames).toBe(3);
    expect(meter.latest?.peakDbfs).toBeCloseTo(-6.02, 2);
    meter.reset();
    expect(meter.clippedSamples).toBe(0);
    expect(meter.latest?.peakDbfs).toBeCloseTo(-6.02, 2);
  });
});

describe('SilenceDetector', () => {
  /** Feeds `count` frames of `rms` from `start` ms; returns the transitions. */
  function feed(detector: SilenceDetector, rms: number, count: number, start: number): SilenceTransition[] {
    const transitions: SilenceTransition[] = [];
    for (let frame = 0; frame < count; frame += 1) {
      const transition = detector.update(rms, start + frame * FRAME_MS);
      if (transition) transitions.push(transition);
    }
    return transitions;
  }

  test('raises silence-started after exactly 10 s below −50 dBFS, and silence-ended on the first loud frame', () => {
    const detector = new SilenceDetector();
    expect(feed(detector, -20, 100, 0)).toEqual([]);
    expect(feed(detector, -60, 499, 2000)).toEqual([]); // 9.98 s of quiet
    expect(detector.isSilent).toBe(false);
    expect(feed(detector, -60, 1, 2000 + 499 * FRAME_MS)).toEqual([{ type: 'silence-started', since: 2000, at: 12_000 }]);
    expect(detector.isSilent).toBe(true);
    expect(feed(detector, -60, 100, 12_000)).toEqual([]);
    expect(feed(detector, -30, 2, 14_000)).toEqual([{ type: 'silence-ended', silentMs: 12_000, at: 14_000 }]);
    expect(detector.isSilent).toBe(false);
  });

  test('short gaps never raise an event; a threshold and duration can be set', () => {
    const detector = new SilenceDetector({ thresholdDbfs: -40, durationMs: 1000 });
    expect(feed(detector, -45, 49, 0)).toEqual([]);
    expect(feed(detector, -35, 1, 980)).toEqual([]); // loud just before 1 s: no start, so no end either
    expect(feed(detector, -45, 50, 1000)).toEqual([{ type: 'silence-started', since: 1000, at: 2000 }]);
    expect(feed(detector, SILENCE_FLOOR_DBFS, 10, 2000)).toEqual([]);
    expect(detector.update(-40, 2200)).toEqual({ type: 'silence-ended', silentMs: 1200, at: 2200 }); // at the threshold counts as sound
  });
});
