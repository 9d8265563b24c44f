import { describe, expect, test } from 'vitest';
import { FRAME_SAMPLES, type AudioFrame } from '../../../../electron/engine/audio/audio-frame';
import { PushSource } from '../../../../electron/engine/audio/push-source';
import { decodePcmFrame, encodePcmFrame, PCM_SAMPLE_RATE } from '../../../../electron/shared/pcm-frame';

/** A ramp so every sample is distinguishable: value = start + i. */
function ramp(start: number, length: number): Float32Array {
  return Float32Array.from({ length }, (_, i) => (start + i) / 1e6);
}

describe('PushSource', () => {
  test('re-cuts 128-sample blocks (an AudioWorklet quantum) into exact 20 ms frames, in order', () => {
    const source = new PushSource({ channels: 1 });
    const frames: AudioFrame[] = [];
    source.start((frame) => frames.push(frame));
    let next = 0;
    for (let block = 0; block < 60; block += 1) {
      source.push({ samples: ramp(next, 128), channels: 1 });
      next += 128;
    }
    expect(frames).toHaveLength(Math.floor((60 * 128) / FRAME_SAMPLES)); // 8 frames, 576 samples left over
    expect(frames.map((frame) => frame.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const joined = frames.flatMap((frame) => [...frame.samples]);
    expect(joined).toEqual([...ramp(0, 8 * FRAME_SAMPLES)]);
  });

  test('splits a 100 ms batch into five frames and takes bridge frames decoded from the wire', () => {
    const source = new PushSource({ channels: 2 });
    const frames: AudioFrame[] = [];
    source.start((frame) => frames.push(frame));
    const wire = encodePcmFrame({ channels: 2, sampleRate: PCM_SAMPLE_RATE, sequence: 7, captureTime: 0, samples: ramp(0, 4800 * 2) });
    const decoded = decodePcmFrame(wire);
    if (!decoded.ok) throw new Error(decoded.error);
    expect(source.push(decoded.frame)).toBe(5);
    expect(frames).toHaveLength(5);
    for (const frame of frames) expect(frame.samples).toHaveLength(FRAME_SAMPLES * 2);
    expect((frames[4] as AudioFrame).samples.at(-1)).toBeCloseTo((4800 * 2 - 1) / 1e6, 9);
  });

  test('converts pushed mono to stereo and stereo to mono', () => {
    const stereo = new PushSource({ channels: 2 });
    const stereoFrames: AudioFrame[] = [];
    stereo.start((frame) => stereoFrames.push(frame));
    stereo.push({ samples: new Float32Array(FRAME_SAMPLES).fill(0.25), channels: 1 });
    expect([...(stereoFrames[0] as AudioFrame).samples].every((value) => value === 0.25)).toBe(true);

    const mono = new PushSource({ channels: 1 });
    const monoFrames: AudioFrame[] = [];
    mono.start((frame) => monoFrames.push(frame));
    const interleaved = new Float32Array(FRAME_SAMPLES * 2).map((_, i) => (i % 2 === 0 ? 0.5 : 0.1));
    mono.push({ samples: interleaved, channels: 2 });
    expect((monoFrames[0] as AudioFrame).samples[0]).toBeCloseTo(0.3, 6);
  });

  test('ignores audio while stopped and drops a partial frame on stop', () => {
    const source = new PushSource({ channels: 1 });
    const frames: AudioFrame[] = [];
    expect(source.push({ samples: ramp(0, FRAME_SAMPLES), channels: 1 })).toBe(0);
    source.start((frame) => frames.push(frame));
    source.push({ samples: ramp(0, 500), channels: 1 });
    source.stop();
    source.start((frame) => frames.push(frame));
    source.push({ samples: ramp(1000, FRAME_SAMPLES), channels: 1 });
    expect(frames).toHaveLength(1);
    expect((frames[0] as AudioFrame).samples[0]).toBeCloseTo(1000 / 1e6, 9);
    expect((frames[0] as AudioFrame).index).toBe(0);
  });
});
