import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WavReader } from '../../electron/engine/audio/wav-reader';
import { LoudnessMeter, type LoudnessReading } from '../../electron/engine/loudness/loudness-meter';
import { ebur128 } from '../env/ebur128';

/*
 * The engine's loudness meter against ffmpeg's ebur128 filter (an independent BS.1770-4 / R128
 * implementation) on signals made now by sox and espeak-ng: within ±0.5 LU and ±0.5 dB true peak.
 */

const run = promisify(execFile);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-loudness-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Reads a WAV through the meter in 20 ms frames, as the encoder's worker feeds it. */
function meterFile(path: string): LoudnessReading {
  const reader = WavReader.open(path);
  try {
    const meter = new LoudnessMeter(reader.info.channels);
    for (let frame = reader.read(960); frame.length > 0; frame = reader.read(960)) meter.push(frame);
    return meter.reading();
  } finally {
    reader.close();
  }
}

/** sox arguments for a 48 kHz 24-bit file, `channels` wide. */
const out = (name: string, channels: 1 | 2): string[] => ['-r', '48000', '-c', String(channels), '-b', '24', join(dir, name)];

const signals: { name: string; channels: 1 | 2; make: (path: string[]) => Promise<unknown> }[] = [
  { name: 'tone-1k-23.wav', channels: 2, make: (o) => run('sox', ['-n', ...o, 'synth', '20', 'sine', '1000', 'gain', '-23']) },
  { name: 'tone-100-10.wav', channels: 2, make: (o) => run('sox', ['-n', ...o, 'synth', '20', 'sine', '100', 'gain', '-10']) },
  { name: 'tone-5k-40-mono.wav', channels: 1, make: (o) => run('sox', ['-n', ...o, 'synth', '20', 'sine', '5000', 'gain', '-40']) },
  {
    name: 'tone-steps.wav',
    channels: 2,
    // 10 s at −20, 10 s at −30, 10 s at −45 dBFS: the gates and the loudness range at work.
    make: async (o) => {
      const parts = [-20, -30, -45].map((gain) => join(dir, `step${gain}.wav`));
      for (const [i, gain] of [-20, -30, -45].entries()) {
        await run('sox', ['-n', '-r', '48000', '-c', '2', '-b', '24', parts[i] ?? '', 'synth', '10', 'sine', '1000', 'gain', String(gain)]);
      }
      await run('sox', [...parts, ...o]);
    },
  },
  { name: 'pink.wav', channels: 2, make: (o) => run('sox', ['-R', '-n', ...o, 'synth', '20', 'pinknoise', 'gain', '-18']) },
  { name: 'clipped.wav', channels: 2, make: (o) => run('sox', ['-n', ...o, 'synth', '10', 'sine', '997', 'gain', '6']) },
  // 4 kHz from 15°: the samples miss the crests by up to 0.3 dB.
  {
    name: 'intersample.wav',
    channels: 2,
    make: (o) => run('sox', ['-n', ...o, 'synth', '10', 'sine', '4000', '0', '4.17', 'gain', '-0.5']),
  },
];

describe('the loudness meter agrees with ffmpeg ebur128', () => {
  for (const signal of signals) {
    test(signal.name, async () => {
      const path = join(dir, signal.name);
      await signal.make(out(signal.name, signal.channels));
      expectAgreement(meterFile(path), await ebur128(path));
    });
  }

  test('a quarter-rate sine sampled at 45° (samples 3 dB under its crests) reads its true peak, −0.5 dBTP', async () => {
    // Here ffmpeg itself reads +0.1 dBTP, 0.6 dB over the waveform's real peak (its resampler rings
    // this close to Nyquist), so the reference is the signal's own peak.
    const path = join(dir, 'quarter-rate.wav');
    await run('sox', ['-n', ...out('quarter-rate.wav', 2), 'synth', '10', 'sine', '12000', '0', '12.5', 'gain', '-0.5']);
    const { truePeakDbtp } = meterFile(path);
    expect(truePeakDbtp).toBeGreaterThan(-1);
    expect(truePeakDbtp).toBeLessThan(0);
  });

  test('speech (espeak-ng), mono and stereo, quiet and loud', async () => {
    const raw = join(dir, 'speech-raw.wav');
    await run('espeak-ng', [
      '-v',
      'en',
      '-s',
      '150',
      '-w',
      raw,
      'Good evening and welcome to the show. Tonight we talk about live audio, loudness, and why the quiet guest should be heard as well as the loud one. Stay with us.',
    ]);
    for (const [name, channels, gain] of [
      ['speech-mono.wav', 1, -3],
      ['speech-stereo-quiet.wav', 2, -20],
    ] as const) {
      await run('sox', [raw, ...out(name, channels), 'gain', '-n', String(gain)]);
      const path = join(dir, name);
      expectAgreement(meterFile(path), await ebur128(path));
    }
  });
});

function expectAgreement(ours: LoudnessReading, reference: Awaited<ReturnType<typeof ebur128>>): void {
  const context = JSON.stringify({ ours, reference });
  expect(ours.integratedLufs, context).not.toBeNull();
  expect(Math.abs((ours.integratedLufs ?? 0) - reference.integratedLufs), `integrated ${context}`).toBeLessThanOrEqual(0.5);
  expect(Math.abs((ours.rangeLu ?? 0) - reference.rangeLu), `range ${context}`).toBeLessThanOrEqual(0.5);
  expect(Math.abs((ours.truePeakDbtp ?? 0) - reference.truePeakDbtp), `true peak ${context}`).toBeLessThanOrEqual(0.5);
  // The last 100 ms line's windows, where there is sound in them (ffmpeg prints about −120 for silence).
  if (reference.momentaryLufs > -70)
    expect(Math.abs((ours.momentaryLufs ?? -120) - reference.momentaryLufs), `momentary ${context}`).toBeLessThanOrEqual(0.5);
  if (reference.shortTermLufs > -70)
    expect(Math.abs((ours.shortTermLufs ?? -120) - reference.shortTermLufs), `short-term ${context}`).toBeLessThanOrEqual(0.5);
}
