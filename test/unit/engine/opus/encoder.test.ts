import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, test } from 'vitest';
import { FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame, type ChannelCount } from '../../../../electron/engine/audio/audio-frame';
import { EncoderError, OpusEncoderService } from '../../../../electron/engine/opus/encoder-service';
import { floatToInt16, OpusCtl, OpusDecoder, OpusEncoder } from '../../../../electron/engine/opus/opus-native';
import { channelOf, dominantFrequency, rms } from '../../../support/audio-analysis';

/** Frames of a sine, continuous across frames; `frequencyAt(k)` picks frame k's frequency. */
function sineFrames(count: number, channels: ChannelCount, frequencyAt: (frame: number) => number, amplitude = 0.5): AudioFrame[] {
  const frames: AudioFrame[] = [];
  let phase = 0;
  for (let index = 0; index < count; index += 1) {
    const samples = new Float32Array(FRAME_SAMPLES * channels);
    const step = (2 * Math.PI * frequencyAt(index)) / SAMPLE_RATE;
    for (let i = 0; i < FRAME_SAMPLES; i += 1) {
      for (let channel = 0; channel < channels; channel += 1) samples[i * channels + channel] = amplitude * Math.sin(phase);
      phase += step;
    }
    frames.push({ samples, channels, index });
  }
  return frames;
}

/** Decodes packets in order into one interleaved int16 signal. */
function decodeAll(packets: readonly Uint8Array[], channels: ChannelCount): Int16Array {
  const decoder = new OpusDecoder(channels);
  const parts = packets.map((packet) => decoder.decode(packet));
  decoder.destroy();
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const services: OpusEncoderService[] = [];
async function service(...args: Parameters<typeof OpusEncoderService.create>): Promise<OpusEncoderService> {
  const created = await OpusEncoderService.create(...args);
  services.push(created);
  return created;
}
afterEach(async () => {
  await Promise.all(services.splice(0).map((created) => created.close()));
});

describe('OpusEncoderService', () => {
  test('runs the loudness chain before encoding by default: a loud tone comes out levelled, and metered', async () => {
    const encoder = await service({ channels: 2, bitrateKbps: 128 });
    expect(encoder.loudness).toEqual({ targetLufs: -16, truePeakDbtp: -1 });
    expect(encoder.chainDelaySamples).toBe(248); // 5 ms look-ahead + the true-peak interpolator's centre
    // 440 Hz at 0.5 (−6 dBFS) reads about −6.7 LUFS: the leveller takes it down toward −16.
    const frames = sineFrames(250, 2, () => 440);
    const packets = await Promise.all(frames.map((frame) => encoder.encode(frame)));
    const reading = encoder.latestLoudness;
    expect(reading?.shortTermLufs).toBeGreaterThan(-17.5);
    expect(reading?.shortTermLufs).toBeLessThan(-14.5);
    expect(reading?.levellerGainDb).toBeLessThan(-7);
    const decoded = channelOf(decodeAll(packets, 2), 2, 0, 1 / 32768).subarray(4 * SAMPLE_RATE);
    expect(rms(decoded)).toBeLessThan(0.5 / Math.SQRT2 / 2);
  });

  test('runs libopus in a separate thread and reports its lookahead as the pre-skip', async () => {
    const encoder = await service({ channels: 2, bitrateKbps: 128 });
    expect(encoder.workerThreadId).not.toBe(threadId);
    expect(encoder.workerThreadId).toBeGreaterThan(0);
    expect(encoder.lookaheadSamples).toBe(312); // libopus at 48 kHz, application AUDIO: 2.5 ms + 4 ms
    expect(encoder.bitrateKbps).toBe(128);
  });

  test('2 s of 440 Hz stereo encodes and decodes back to 440 Hz at about the same level', async () => {
    // The codec alone: the loudness chain (tested below) would level the tone.
    const encoder = await service({ channels: 2, bitrateKbps: 128, loudness: 'off' });
    const frames = sineFrames(100, 2, () => 440);
    const packets = await Promise.all(frames.map((frame) => encoder.encode(frame)));
    expect(packets).toHaveLength(100);
    const decoded = decodeAll(packets, 2);
    expect(decoded).toHaveLength(100 * FRAME_SAMPLES * 2);
    for (const channel of [0, 1]) {
      const signal = channelOf(decoded, 2, channel, 1 / 32768).subarray(encoder.lookaheadSamples + 4800);
      expect(Math.abs(dominantFrequency(signal, SAMPLE_RATE) - 440)).toBeLessThan(0.5);
      expect(rms(signal)).toBeCloseTo(0.5 / Math.SQRT2, 1);
    }
  });

  test('packets come back in the order frames went in, even with hundreds in flight', async () => {
    const encoder = await service({ channels: 1, bitrateKbps: 96, complexity: 5 });
    // Each block of 10 frames (200 ms) has its own frequency: a reordered packet would show up in the wrong block.
    const frequencyOf = (block: number): number => 300 + 150 * (block % 7);
    const frames = sineFrames(300, 1, (frame) => frequencyOf(Math.floor(frame / 10)));
    const packets = await Promise.all(frames.map((frame) => encoder.encode(frame)));
    const decoded = channelOf(decodeAll(packets, 1), 1, 0, 1 / 32768);
    for (let block = 0; block < 30; block += 1) {
      // The middle of each block, shifted by the encoder's delay; 4096 samples sit well inside 9600.
      const start = block * 10 * FRAME_SAMPLES + encoder.lookaheadSamples + 2752;
      expect(Math.abs(dominantFrequency(decoded.subarray(start, start + 4096), SAMPLE_RATE) - frequencyOf(block))).toBeLessThan(15);
    }
  });

  test('setBitrate changes packet sizes from the next frame on, without a new stream', async () => {
    const encoder = await service({ channels: 2, bitrateKbps: 32 });
    const frames = sineFrames(200, 2, (frame) => 200 + (frame % 50) * 40, 0.3); // a busy signal VBR cannot shrink
    const low = await Promise.all(frames.slice(0, 100).map((frame) => encoder.encode(frame)));
    encoder.setBitrate(192);
    expect(encoder.bitrateKbps).toBe(192);
    const high = await Promise.all(frames.slice(100).map((frame) => encoder.encode(frame)));
    const average = (packets: Uint8Array[]): number => packets.reduce((sum, packet) => sum + packet.length, 0) / packets.length;
    const lowAverage = average(low.slice(10));
    const highAverage = average(high.slice(10));
    expect(lowAverage).toBeGreaterThan(40); // ~32 kbit/s = 80 bytes per 20 ms
    expect(lowAverage).toBeLessThan(130);
    expect(highAverage / lowAverage).toBeGreaterThan(3);
    // One decoder reads across the change: it is still one stream.
    expect(decodeAll([...low, ...high], 2)).toHaveLength(200 * FRAME_SAMPLES * 2);
  });

  test('refuses bad settings and frames, and fails cleanly once closed', async () => {
    await expect(OpusEncoderService.create({ channels: 2, bitrateKbps: 8 })).rejects.toThrow(/16–256 kbit\/s/);
    await expect(OpusEncoderService.create({ channels: 2, bitrateKbps: 64, complexity: 11 })).rejects.toThrow(/complexity/);
    const encoder = await service({ channels: 2, bitrateKbps: 64 });
    expect(() => encoder.setBitrate(300)).toThrow(RangeError);
    await expect(encoder.encode({ samples: new Float32Array(FRAME_SAMPLES), channels: 1, index: 0 })).rejects.toThrow(/2-channel/);
    await encoder.close();
    await expect(encoder.encode(sineFrames(1, 2, () => 440)[0] as AudioFrame)).rejects.toBeInstanceOf(EncoderError);
    await encoder.close(); // twice is fine
  });
});

describe('opus-native binding', () => {
  test('several encoders and a decoder in one thread do not disturb each other', () => {
    // opusscript's own wrapper writes PCM at twice its allocated address; two codecs in one thread
    // would then share memory. Our binding must give identical packets from identical encoders.
    const first = new OpusEncoder(2);
    const second = new OpusEncoder(2);
    const decoder = new OpusDecoder(2);
    for (const encoder of [first, second]) {
      encoder.set(OpusCtl.SET_BITRATE, 96_000);
      encoder.set(OpusCtl.SET_INBAND_FEC, 0);
    }
    expect(first.get(OpusCtl.GET_BITRATE)).toBe(96_000);
    expect(first.get(OpusCtl.GET_INBAND_FEC)).toBe(0);
    const pcm = new Int16Array(FRAME_SAMPLES * 2);
    for (const frame of sineFrames(50, 2, () => 1000)) {
      floatToInt16(frame.samples, pcm);
      const a = first.encode(pcm, FRAME_SAMPLES);
      const decoded = decoder.decode(a);
      const b = second.encode(pcm, FRAME_SAMPLES);
      expect(b).toEqual(a);
      expect(decoded).toHaveLength(FRAME_SAMPLES * 2);
    }
    for (const codec of [first, second, decoder]) codec.destroy();
  });

  test('floatToInt16 rounds and clamps beyond full scale', () => {
    expect([...floatToInt16(Float32Array.from([0, 0.5, -0.5, 1, -1, 1.5, -1.5]))]).toEqual([
      0, 16384, -16383, 32767, -32767, 32767, -32768,
    ]);
  });
});
