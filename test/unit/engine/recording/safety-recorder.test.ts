import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame } from '../../../../electron/engine/audio/audio-frame';
import { OpusEncoderService } from '../../../../electron/engine/opus/encoder-service';
import { floatToInt16, OpusCtl, OpusEncoder } from '../../../../electron/engine/opus/opus-native';
import {
  RecordingError,
  SafetyRecorder,
  type RecordingEvent,
  type RecordingState,
} from '../../../../electron/engine/recording/safety-recorder';
import { FakeClock } from '../../../fakes/fake-clock';
import { channelOf, dominantFrequency } from '../../../support/audio-analysis';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steadycast-rec-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface OpusInfo {
  status: number | null;
  problems: string[];
  seconds: number;
  output: string;
}

/** Runs opus-tools' opusinfo: its ERROR/WARNING lines and the playback length it computes. */
function opusinfo(path: string): OpusInfo {
  const result = spawnSync('opusinfo', [path], { encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  const length = /Playback length:\s*(\d+)m:(\d+(?:\.\d+)?)s/.exec(output);
  return {
    status: result.status,
    problems: output.split('\n').filter((line) => /^(ERROR|WARNING)/.test(line.trim())),
    seconds: length ? Number(length[1]) * 60 + Number(length[2]) : NaN,
    output,
  };
}

/** Decodes with opus-tools' opusdec to a 48 kHz WAV; returns the left channel as float. */
function opusdec(path: string): Float64Array {
  const wav = `${path}.wav`;
  const result = spawnSync('opusdec', ['--rate', '48000', path, wav], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`opusdec failed (${result.status}): ${result.stderr}`);
  const bytes = readFileSync(wav);
  const dataAt = bytes.indexOf('data', 12, 'latin1') + 8;
  const pcm = new Int16Array(
    bytes.buffer.slice(bytes.byteOffset + dataAt, bytes.byteOffset + bytes.length - ((bytes.length - dataAt) % 4)),
  );
  return channelOf(pcm, 2, 0, 1 / 32768);
}

/** `count` stereo frames of a continuous 440 Hz tone. */
function toneFrames(count: number): AudioFrame[] {
  return Array.from({ length: count }, (_, index) => {
    const samples = new Float32Array(FRAME_SAMPLES * 2);
    for (let i = 0; i < FRAME_SAMPLES; i += 1) {
      const value = 0.4 * Math.sin((2 * Math.PI * 440 * (index * FRAME_SAMPLES + i)) / SAMPLE_RATE);
      samples[2 * i] = value;
      samples[2 * i + 1] = value;
    }
    return { samples, channels: 2, index };
  });
}

/** Encodes `count` frames of the tone synchronously, in this thread (the worker is tested elsewhere). */
function tonePackets(count: number, bitsPerSecond = 128_000): Uint8Array[] {
  const encoder = new OpusEncoder(2);
  encoder.set(OpusCtl.SET_BITRATE, bitsPerSecond);
  const pcm = new Int16Array(FRAME_SAMPLES * 2);
  const packets = toneFrames(count).map((frame) => encoder.encode(floatToInt16(frame.samples, pcm), FRAME_SAMPLES));
  encoder.destroy();
  return packets;
}

describe('SafetyRecorder', () => {
  test('records encoder output to a file opusinfo accepts, as long as the audio given, that decodes to the tone', async () => {
    const clock = new FakeClock();
    const encoder = await OpusEncoderService.create({ channels: 2, bitrateKbps: 128 });
    const path = join(dir, 'show.opus');
    const recorder = new SafetyRecorder({ path, channels: 2, preSkip: encoder.lookaheadSamples, clock, tags: { TITLE: 'Launch night' } });
    expect(recorder.state).toMatchObject({ status: 'idle', path: null, bytesWritten: 0 });
    recorder.start();
    const frames = 151;
    // As the engine wires it: frames into the worker, packets (in order) into the recorder.
    await Promise.all(toneFrames(frames).map((frame) => encoder.encode(frame).then((packet) => recorder.writePacket(packet))));
    await encoder.close();
    recorder.stop();
    const state: RecordingState = recorder.state;
    expect(state).toMatchObject({ status: 'stopped', path, files: [path], startedAt: clock.now(), error: null });
    expect(state.samples).toBe(frames * FRAME_SAMPLES);
    expect(state.durationSeconds).toBeCloseTo(frames * 0.02, 9);
    expect(state.bytesWritten).toBe(statSync(path).size);

    const info = opusinfo(path);
    expect(info.problems, info.output).toEqual([]);
    expect(info.status).toBe(0);
    expect(info.output).toContain('Pre-skip: 312');
    expect(Math.abs(info.seconds - frames * 0.02)).toBeLessThanOrEqual(0.02);
    const decoded = opusdec(path);
    expect(Math.abs(dominantFrequency(decoded, SAMPLE_RATE) - 440)).toBeLessThan(0.5);
  });

  test('splits by time into numbered files, each a complete stream with fresh headers', () => {
    const events: RecordingEvent[] = [];
    const recorder = new SafetyRecorder({
      path: join(dir, 'split', 'hour.opus'),
      channels: 2,
      preSkip: 312,
      clock: new FakeClock(),
      splitEveryMs: 1000,
      onEvent: (event) => events.push(event),
    });
    recorder.start();
    for (const packet of tonePackets(175)) recorder.writePacket(packet); // 3.5 s
    recorder.stop();
    const { files, samples } = recorder.state;
    expect(files.map((file) => file.split('/').at(-1))).toEqual(['hour-001.opus', 'hour-002.opus', 'hour-003.opus', 'hour-004.opus']);
    expect(samples).toBe(175 * FRAME_SAMPLES);
    const lengths = files.map((file) => {
      const info = opusinfo(file);
      expect(info.problems, info.output).toEqual([]);
      return info.seconds;
    });
    // Each file's audio minus its pre-skip (6.5 ms): 1 s, 1 s, 1 s, 0.5 s.
    expect(lengths.map((seconds) => Math.round(seconds * 100) / 100)).toEqual([0.99, 0.99, 0.99, 0.49]);
    const serials = files.map((file) => readFileSync(file).readUInt32LE(14));
    expect(new Set(serials).size).toBe(4);
    expect(
      events.filter((event) => event.type === 'file-closed').map((event) => (event.type === 'file-closed' ? event.samples : 0)),
    ).toEqual([48_000, 48_000, 48_000, 24_000]);
  });

  test('splits by size at the first page boundary past the limit', () => {
    const recorder = new SafetyRecorder({
      path: join(dir, 'bysize.opus'),
      channels: 2,
      preSkip: 312,
      clock: new FakeClock(),
      splitEveryBytes: 16_384,
    });
    recorder.start();
    for (const packet of tonePackets(250, 128_000)) recorder.writePacket(packet);
    recorder.stop();
    const { files, bytesWritten } = recorder.state;
    expect(files.length).toBeGreaterThanOrEqual(3);
    const sizes = files.map((file) => statSync(file).size);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBe(bytesWritten);
    for (const size of sizes.slice(0, -1)) {
      expect(size).toBeGreaterThanOrEqual(16_384);
      expect(size).toBeLessThan(16_384 + 4_000); // one 100 ms page at 128 kbit/s is ~1.6 kB, plus the EOS page
    }
    for (const file of files) expect(opusinfo(file).problems).toEqual([]);
  });

  test('never overwrites an existing file and says why it cannot record', () => {
    const existing = join(dir, 'yesterday.opus');
    writeFileSync(existing, 'last show');
    const recorder = new SafetyRecorder({ path: existing, channels: 1, preSkip: 312, clock: new FakeClock() });
    expect(() => recorder.start()).toThrow(RecordingError);
    expect(() => new SafetyRecorder({ path: existing, channels: 1, preSkip: 312, clock: new FakeClock() }).start()).toThrow(
      /already exists.*never overwrites/,
    );
    expect(readFileSync(existing, 'utf8')).toBe('last show');
    const blocked = join(existing, 'inside.opus'); // a "folder" that is a file
    expect(() => new SafetyRecorder({ path: blocked, channels: 1, preSkip: 312, clock: new FakeClock() }).start()).toThrow(
      /folder cannot be created/,
    );
  });

  test('a recording killed with SIGKILL is playable up to its last page', async () => {
    const path = join(dir, 'killed.opus');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../../../support/recording-kill-child.ts', import.meta.url)), path],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    let last: RecordingState | null = null;
    // Wait for 1.5 s of recorded audio as the child reports it (no timing assumptions), then kill it mid-page.
    for await (const line of createInterface({ input: child.stdout })) {
      last = JSON.parse(line) as RecordingState;
      if (last.durationSeconds >= 1.5) {
        child.kill('SIGKILL');
        break;
      }
    }
    expect(await exited, stderr).toBe('SIGKILL');
    expect(last?.status).toBe('recording');
    expect(existsSync(path)).toBe(true);

    const info = opusinfo(path);
    expect(info.problems).toEqual(['WARNING: EOS not set on stream 1 (normal for live streams)']);
    expect(info.output).not.toMatch(/corrupt|hole|error/i);
    // Everything but the page being filled (≤ 120 ms) is on disk; the player drops the pre-skip.
    const atLeast = (last?.durationSeconds ?? Infinity) - 0.12 - 312 / SAMPLE_RATE;
    expect(info.seconds).toBeGreaterThanOrEqual(atLeast - 1e-3);
    const decoded = opusdec(path);
    expect(decoded.length).toBeGreaterThanOrEqual(Math.floor(atLeast * SAMPLE_RATE));
    expect(Math.abs(dominantFrequency(decoded, SAMPLE_RATE) - 440)).toBeLessThan(0.5);
  }, 30_000);
});
