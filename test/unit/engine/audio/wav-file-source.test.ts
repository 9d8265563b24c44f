import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AudioFileError } from '../../../../electron/engine/audio/audio-file-error';
import { FRAME_SAMPLES, SAMPLE_RATE, type AudioFrame, type ChannelCount } from '../../../../electron/engine/audio/audio-frame';
import { measureFrame } from '../../../../electron/engine/audio/meters';
import { WavFileSource, type WavFileEnd } from '../../../../electron/engine/audio/wav-file-source';
import { WavReader } from '../../../../electron/engine/audio/wav-reader';
import { FakeClock } from '../../../fakes/fake-clock';
import { channelOf, concatFloat, dominantFrequency } from '../../../support/audio-analysis';

let dir: string;

/** Makes a WAV with sox in the temp folder: `sox -n <format…> NAME synth <effects…>`. */
function sox(name: string, format: string[], effects: string[]): string {
  const path = join(dir, name);
  execFileSync('sox', ['-n', ...format, path, ...effects]);
  return path;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'steadycast-wav-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Played {
  frames: AudioFrame[];
  end: WavFileEnd | null;
}

/** Plays a file on a fake clock for `ms` (or until it ends). */
async function play(path: string, channels: ChannelCount, loop: boolean, ms: number): Promise<Played> {
  const clock = new FakeClock();
  const played: Played = { frames: [], end: null };
  const source = await WavFileSource.open({ path, channels, loop, clock, onEnd: (end) => (played.end = end) });
  source.start((frame) => played.frames.push(frame));
  for (let elapsed = 0; elapsed < ms && !played.end; elapsed += 100) clock.advance(100);
  source.stop();
  return played;
}

/** Output samples per channel a file of `frames` at `rate` becomes at 48 kHz. */
function expectedLength(path: string): number {
  const reader = WavReader.open(path);
  const { frames, sampleRate } = reader.info;
  reader.close();
  return Math.round((frames * SAMPLE_RATE) / sampleRate);
}

function lastNonZero(samples: Float64Array): number {
  for (let i = samples.length - 1; i >= 0; i -= 1) if (samples[i] !== 0) return i;
  return -1;
}

describe('WavFileSource decoding and resampling', () => {
  const cases: { name: string; format: string[]; seconds: number; channels: ChannelCount }[] = [
    { name: '44.1 kHz stereo 16-bit', format: ['-r', '44100', '-c', '2', '-b', '16'], seconds: 2, channels: 2 },
    { name: '22.05 kHz mono 16-bit', format: ['-r', '22050', '-c', '1', '-b', '16'], seconds: 1.013, channels: 1 },
    { name: '48 kHz stereo float', format: ['-r', '48000', '-c', '2', '-e', 'floating-point', '-b', '32'], seconds: 1, channels: 2 },
    { name: '96 kHz mono 24-bit', format: ['-r', '96000', '-c', '1', '-b', '24'], seconds: 1, channels: 1 },
    { name: '8 kHz mono 32-bit integer', format: ['-r', '8000', '-c', '1', '-e', 'signed-integer', '-b', '32'], seconds: 1, channels: 1 },
    { name: '16 kHz stereo 8-bit', format: ['-r', '16000', '-c', '2', '-b', '8'], seconds: 1, channels: 2 },
  ];

  for (const [number, fixture] of cases.entries()) {
    test(`${fixture.name} → 48 kHz frames of the right length, 440 Hz stays 440 Hz`, async () => {
      const path = sox(`case-${number}.wav`, fixture.format, ['synth', String(fixture.seconds), 'sine', '440', 'gain', '-6']);
      const expected = expectedLength(path);
      const { frames, end } = await play(path, fixture.channels, false, 10_000);
      expect(end).toEqual({ reason: 'finished' });
      expect(frames).toHaveLength(Math.ceil(expected / FRAME_SAMPLES));
      for (const frame of frames) expect(frame.samples).toHaveLength(FRAME_SAMPLES * fixture.channels);
      const left = channelOf(concatFloat(frames.map((frame) => frame.samples)), fixture.channels, 0);
      // Exact duration: the audio ends where the file does; only the last frame's padding is silent.
      expect(lastNonZero(left) + 1).toBeLessThanOrEqual(expected);
      expect(lastNonZero(left) + 1).toBeGreaterThanOrEqual(expected - 3);
      const bandLimit = fixture.format.includes('8000') ? 1 : 0.5;
      expect(Math.abs(dominantFrequency(left, SAMPLE_RATE) - 440)).toBeLessThan(bandLimit);
      expect(measureFrame(frames[10] as AudioFrame).peakDbfs).toBeCloseTo(-6, 0);
    });
  }

  test('a looped file keeps playing past its end as one continuous tone', async () => {
    const path = sox('loop.wav', ['-r', '44100', '-c', '1', '-b', '16'], ['synth', '0.3', 'sine', '440', 'gain', '-6']);
    const { frames, end } = await play(path, 1, true, 2000);
    expect(end).toBeNull();
    expect(frames).toHaveLength(101);
    const signal = channelOf(concatFloat(frames.map((frame) => frame.samples)), 1);
    expect(Math.abs(dominantFrequency(signal, SAMPLE_RATE) - 440)).toBeLessThan(0.5);
    // 0.3 s of 440 Hz is a whole number of cycles, so the loop point is seamless: no gap of silence.
    let silentRun = 0;
    let longestSilentRun = 0;
    for (const sample of signal) {
      silentRun = Math.abs(sample) < 1e-3 ? silentRun + 1 : 0;
      longestSilentRun = Math.max(longestSilentRun, silentRun);
    }
    expect(longestSilentRun).toBeLessThan(5);
  });

  test('mono becomes stereo by copying; stereo becomes mono by averaging', async () => {
    const mono = sox('mono.wav', ['-r', '48000', '-c', '1', '-b', '16'], ['synth', '0.5', 'sine', '440', 'gain', '-6']);
    const stereoOut = await play(mono, 2, false, 2000);
    const both = concatFloat(stereoOut.frames.map((frame) => frame.samples));
    expect(channelOf(both, 2, 1)).toEqual(channelOf(both, 2, 0));
    expect(measureFrame(stereoOut.frames[5] as AudioFrame).peakDbfs).toBeCloseTo(-6, 1);

    const leftOnly = sox(
      'left-only.wav',
      ['-r', '44100', '-c', '2', '-b', '16'],
      ['synth', '0.5', 'sine', '440', 'gain', '-6', 'remix', '1', '0'],
    );
    const monoOut = await play(leftOnly, 1, false, 2000);
    expect(measureFrame(monoOut.frames[5] as AudioFrame).peakDbfs).toBeCloseTo(-12, 0);
  });

  test('reads a WAV with extra chunks, including an odd-sized one with its pad byte', async () => {
    const samples = new Int16Array(4800).map((_, i) => Math.round(16384 * Math.sin((2 * Math.PI * 1000 * i) / 48000)));
    const chunk = (id: string, body: Buffer): Buffer => {
      const header = Buffer.alloc(8);
      header.write(id, 0, 'latin1');
      header.writeUInt32LE(body.length, 4);
      return Buffer.concat([header, body, body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
    };
    const fmt = Buffer.alloc(16);
    fmt.writeUInt16LE(1, 0);
    fmt.writeUInt16LE(1, 2);
    fmt.writeUInt32LE(48000, 4);
    fmt.writeUInt32LE(96000, 8);
    fmt.writeUInt16LE(2, 12);
    fmt.writeUInt16LE(16, 14);
    const body = Buffer.concat([
      Buffer.from('WAVE', 'latin1'),
      chunk('JUNK', Buffer.from('odd')),
      chunk('fmt ', fmt),
      chunk('LIST', Buffer.from('INFOISFT\u0005\u0000\u0000\u0000test\u0000\u0000', 'latin1')),
      chunk('data', Buffer.from(samples.buffer)),
    ]);
    const header = Buffer.alloc(8);
    header.write('RIFF', 0, 'latin1');
    header.writeUInt32LE(body.length, 4);
    const path = join(dir, 'chunks.wav');
    writeFileSync(path, Buffer.concat([header, body]));
    const { frames, end } = await play(path, 1, false, 1000);
    expect(end).toEqual({ reason: 'finished' });
    expect(frames).toHaveLength(5);
    expect((frames[0] as AudioFrame).samples[12]).toBeCloseTo((samples[12] ?? 0) / 32768, 6);
  });
});

describe('WavFileSource refuses files it cannot play, saying what to do', () => {
  const open = (path: string): Promise<WavFileSource> => WavFileSource.open({ path, channels: 2, loop: false, clock: new FakeClock() });

  test('a missing file', async () => {
    const path = join(dir, 'nowhere.wav');
    const error = await open(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AudioFileError);
    expect(error).toMatchObject({ problem: 'unreadable', path });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toMatch(/ENOENT/);
  });

  test('a file that is not a WAV', async () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'these are not samples, just some words that are long enough');
    const error = await open(path).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ problem: 'not-wav' });
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain('sox');
  });

  test('compressed WAV (IMA ADPCM), four channels, and an empty data chunk', async () => {
    const adpcm = sox('adpcm.wav', ['-r', '8000', '-c', '1', '-e', 'ima-adpcm'], ['synth', '0.5', 'sine', '440']);
    await expect(open(adpcm)).rejects.toMatchObject({ problem: 'unsupported-format', message: expect.stringMatching(/compressed.*sox/s) });
    const quad = sox('quad.wav', ['-r', '48000', '-c', '4', '-b', '16'], ['synth', '0.5', 'sine', '440']);
    await expect(open(quad)).rejects.toMatchObject({ problem: 'unsupported-format', message: expect.stringContaining('4 channels') });
    const empty = Buffer.alloc(44);
    empty.write('RIFF', 0, 'latin1');
    empty.writeUInt32LE(36, 4);
    empty.write('WAVEfmt ', 8, 'latin1');
    empty.writeUInt32LE(16, 16);
    empty.writeUInt16LE(1, 20);
    empty.writeUInt16LE(1, 22);
    empty.writeUInt32LE(48000, 24);
    empty.writeUInt32LE(96000, 28);
    empty.writeUInt16LE(2, 32);
    empty.writeUInt16LE(16, 34);
    empty.write('data', 36, 'latin1');
    const emptyPath = join(dir, 'empty.wav');
    writeFileSync(emptyPath, empty);
    await expect(open(emptyPath)).rejects.toMatchObject({ problem: 'empty' });
  });
});
