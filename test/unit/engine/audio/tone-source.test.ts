import { describe, expect, test } from 'vitest';
import { FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame } from '../../../../electron/engine/audio/audio-frame';
import { measureFrame } from '../../../../electron/engine/audio/meters';
import { ToneSource } from '../../../../electron/engine/audio/tone-source';
import type { Clock } from '../../../../electron/engine/clock';
import { FakeClock } from '../../../fakes/fake-clock';
import { channelOf, concatFloat, dominantFrequency } from '../../../support/audio-analysis';

/** A clock whose timers all fire `lateMs` after they were due, like a busy event loop. */
function lateClock(clock: FakeClock, lateMs: number): Clock {
  return {
    now: () => clock.now(),
    setTimeout: (callback, ms) => clock.setTimeout(callback, ms + lateMs),
    clearTimeout: (handle) => clock.clearTimeout(handle),
  };
}

function collect(source: ToneSource): AudioFrame[] {
  const frames: AudioFrame[] = [];
  source.start((frame) => frames.push(frame));
  return frames;
}

describe('ToneSource', () => {
  test('emits one 20 ms frame at start and one per 20 ms of clock time', () => {
    const clock = new FakeClock();
    const frames = collect(new ToneSource({ frequencyHz: 440, channels: 2, clock }));
    expect(frames).toHaveLength(1);
    clock.advance(19);
    expect(frames).toHaveLength(1);
    clock.advance(1);
    expect(frames).toHaveLength(2);
    clock.advance(980);
    expect(frames).toHaveLength(51); // frames 0 … 50 are due at 0 … 1000 ms
    expect(frames.map((frame) => frame.index)).toEqual([...Array(51).keys()]);
    for (const frame of frames) {
      expect(frame.channels).toBe(2);
      expect(frame.samples).toHaveLength(FRAME_SAMPLES * 2);
    }
  });

  test('produces a continuous sine at the asked frequency and level, the same on both channels', () => {
    const clock = new FakeClock();
    const frames = collect(new ToneSource({ frequencyHz: 440, channels: 2, amplitudeDbfs: -6, clock }));
    clock.advance(2000);
    const all = concatFloat(frames.map((frame) => frame.samples));
    expect(dominantFrequency(channelOf(all, 2, 0), SAMPLE_RATE)).toBeCloseTo(440, 0);
    expect(channelOf(all, 2, 1)).toEqual(channelOf(all, 2, 0));
    const reading = measureFrame(frames[10] as AudioFrame);
    expect(reading.peakDbfs).toBeCloseTo(-6, 1);
    expect(reading.rmsDbfs).toBeCloseTo(-9.01, 1);
    // Continuity across frame boundaries: no sample-to-sample step larger than the sine's slope allows.
    const left = channelOf(all, 2, 0);
    const maxStep = 10 ** (-6 / 20) * ((2 * Math.PI * 440) / SAMPLE_RATE) * 1.01;
    let largestStep = 0;
    for (let i = 1; i < left.length; i += 1) largestStep = Math.max(largestStep, Math.abs((left[i] ?? 0) - (left[i - 1] ?? 0)));
    expect(largestStep).toBeLessThanOrEqual(maxStep);
  });

  test('does not drift when every wake-up is late: it emits the frames that fell due', () => {
    const clock = new FakeClock();
    const frames = collect(new ToneSource({ frequencyHz: 1000, channels: 1, clock: lateClock(clock, 7) }));
    clock.advance(10_000);
    // 501 frames are due by 10 s; a wake-up at most 7 ms late may leave the last one or two pending.
    expect(frames.length).toBeGreaterThanOrEqual(500);
    expect(frames.length).toBeLessThanOrEqual(501);
    const later = lateClock(clock, 95);
    const frames2 = collect(new ToneSource({ frequencyHz: 1000, channels: 1, clock: later }));
    clock.advance(10_000);
    expect(frames2.length).toBeGreaterThanOrEqual(501 - Math.ceil(95 / 20) - 1);
    expect(frames2.map((frame) => frame.index)).toEqual([...Array(frames2.length).keys()]);
  });

  test('after a long stall it catches up at most 5 s and keeps numbering frames in order', () => {
    const fake = new FakeClock();
    let jump = 0;
    const clock: Clock = {
      now: () => fake.now() + jump,
      setTimeout: (cb, ms) => fake.setTimeout(cb, ms),
      clearTimeout: (h) => fake.clearTimeout(h),
    };
    const frames = collect(new ToneSource({ frequencyHz: 440, channels: 1, clock }));
    fake.advance(100);
    expect(frames).toHaveLength(6);
    jump = 60_000; // the machine slept for a minute
    fake.advance(20);
    expect(frames).toHaveLength(6 + 250);
    fake.advance(100);
    expect(frames).toHaveLength(6 + 250 + 5);
    expect(frames.map((frame) => frame.index)).toEqual([...Array(frames.length).keys()]);
  });

  test('emits nothing after stop, even when stopped from inside the sink', () => {
    const clock = new FakeClock();
    const source = new ToneSource({ frequencyHz: 440, channels: 1, clock });
    const frames: AudioFrame[] = [];
    source.start((frame) => {
      frames.push(frame);
      if (frames.length === 3) source.stop();
    });
    clock.advance(1000);
    expect(frames).toHaveLength(3);
  });

  test('rejects a frequency above Nyquist and a level above 0 dBFS', () => {
    const clock = new FakeClock();
    expect(() => new ToneSource({ frequencyHz: 30_000, channels: 1, clock })).toThrow(/frequency/);
    expect(() => new ToneSource({ frequencyHz: 440, channels: 1, amplitudeDbfs: 3, clock })).toThrow(/0 dBFS/);
  });
});
