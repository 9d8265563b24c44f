import { describe, expect, it } from 'vitest';
import { decodePcmFrame, encodePcmFrame, PCM_FRAME_LENGTH } from '../../../../electron/shared/pcm-frame';
import { interleaveInto, StereoFrameChunker } from '../../../../renderer/audio/frame-chunker';
import { LEVEL_FLOOR_DB, rmsDbfs } from '../../../../renderer/audio/levels';

/** A ramp: sample n of channel c is c * 100000 + n, scaled into [-1, 1], so every position is recognisable. */
function ramp(channel: number, start: number, length: number): Float32Array {
  return Float32Array.from({ length }, (_, index) => (channel * 100_000 + start + index) / 1_000_000);
}

describe('StereoFrameChunker', () => {
  it('turns 128-sample quanta into 960-sample interleaved stereo frames without dropping or repeating a sample', () => {
    const frames: Float32Array[] = [];
    const chunker = new StereoFrameChunker((frame) => frames.push(frame));
    // 15 quanta = 1920 samples = exactly two frames (960 is not a multiple of 128: quanta straddle frames).
    for (let quantum = 0; quantum < 15; quantum++) chunker.push(ramp(1, quantum * 128, 128), ramp(2, quantum * 128, 128));
    expect(frames).toHaveLength(2);
    expect(chunker.pending).toBe(0);
    for (const [index, frame] of frames.entries()) {
      expect(frame).toHaveLength(PCM_FRAME_LENGTH * 2);
      for (let sample = 0; sample < PCM_FRAME_LENGTH; sample++) {
        const position = index * PCM_FRAME_LENGTH + sample;
        expect(frame[sample * 2]).toBe(Math.fround((100_000 + position) / 1_000_000));
        expect(frame[sample * 2 + 1]).toBe(Math.fround((200_000 + position) / 1_000_000));
      }
    }
  });

  it('keeps the partial frame until the next quantum completes it', () => {
    const frames: Float32Array[] = [];
    const chunker = new StereoFrameChunker((frame) => frames.push(frame));
    for (let quantum = 0; quantum < 7; quantum++) chunker.push(ramp(0, quantum * 128, 128), ramp(0, quantum * 128, 128));
    expect(frames).toHaveLength(0);
    expect(chunker.pending).toBe(896);
    chunker.push(ramp(0, 896, 128), ramp(0, 896, 128));
    expect(frames).toHaveLength(1);
    expect(chunker.pending).toBe(64);
    expect(frames[0]?.[959 * 2]).toBe(Math.fround(959 / 1_000_000));
  });

  it('copies a mono input to both channels and treats a missing input as silence', () => {
    const frames: Float32Array[] = [];
    const chunker = new StereoFrameChunker((frame) => frames.push(frame), 4);
    chunker.push(Float32Array.of(0.1, 0.2), undefined);
    chunker.push(undefined, undefined, 2);
    expect(Array.from(frames[0] ?? [])).toEqual([0.1, 0.1, 0.2, 0.2, 0, 0, 0, 0].map(Math.fround));
  });

  it('hands out a fresh array per frame, so a transferred frame is never overwritten', () => {
    const frames: Float32Array[] = [];
    const chunker = new StereoFrameChunker((frame) => frames.push(frame), 2);
    chunker.push(Float32Array.of(0.5, 0.5), undefined);
    chunker.push(Float32Array.of(-0.5, -0.5), undefined);
    expect(frames[0]).not.toBe(frames[1]);
    expect(Array.from(frames[0] ?? [])).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('drops a partial frame on reset, so capture restarts on a frame boundary', () => {
    const frames: Float32Array[] = [];
    const chunker = new StereoFrameChunker((frame) => frames.push(frame), 4);
    chunker.push(Float32Array.of(0.9, 0.9, 0.9), undefined);
    chunker.reset();
    chunker.push(Float32Array.of(0.1, 0.2, 0.3, 0.4), undefined);
    expect(frames).toHaveLength(1);
    expect(frames[0]?.[0]).toBeCloseTo(0.1, 6);
  });

  it('makes frames the engine accepts once encoded', () => {
    const frames: Float32Array[] = [];
    const chunker = new StereoFrameChunker((frame) => frames.push(frame));
    for (let quantum = 0; quantum < 8; quantum++) chunker.push(ramp(1, quantum * 128, 128), ramp(2, quantum * 128, 128));
    const samples = frames[0];
    if (!samples) throw new Error('no frame');
    const decoded = decodePcmFrame(encodePcmFrame({ channels: 2, sampleRate: 48_000, sequence: 7, captureTime: 12.5, samples }));
    expect(decoded.ok).toBe(true);
    if (decoded.ok) expect(decoded.frame.samples).toEqual(samples);
  });

  it('rejects a frame length that is not a positive integer', () => {
    expect(() => new StereoFrameChunker(() => undefined, 0)).toThrow(RangeError);
  });
});

describe('interleaveInto', () => {
  it('writes L R pairs at an offset and turns non-finite samples into silence', () => {
    const target = new Float32Array(6);
    interleaveInto(target, 1, Float32Array.of(9, 0.25, Number.NaN), Float32Array.of(9, -0.25, Number.POSITIVE_INFINITY), 1, 2);
    expect(Array.from(target)).toEqual([0, 0, 0.25, -0.25, 0, 0]);
  });
});

describe('rmsDbfs', () => {
  it('reads a full-scale square wave as 0 dBFS and a half-scale one as about -6 dBFS', () => {
    expect(rmsDbfs(Float32Array.of(1, -1, 1, -1))).toBeCloseTo(0, 6);
    expect(rmsDbfs(Float32Array.of(0.5, -0.5))).toBeCloseTo(-6.0206, 3);
  });

  it('floors silence and empty blocks', () => {
    expect(rmsDbfs(new Float32Array(128))).toBe(LEVEL_FLOOR_DB);
    expect(rmsDbfs(new Float32Array(0))).toBe(LEVEL_FLOOR_DB);
  });
});
