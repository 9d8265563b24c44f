import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { MicReportSchema, SILENCE_DBFS } from '../../../../electron/shared/mic-report';
import { LevelMeter, amplitudeToDbfs } from '../../../../renderer/audio/mic-analysis/level';
import { ensureFixtures, ensureMicFixtures, SPEECH_WAV } from '../../../env/fixtures';
import { analyse, looped, mix, readMono, shareOf, voices, type AnalysedReport } from '../../../support/mic-analysis-support';

/*
 * The microphone analysis on real audio: espeak-ng speech, sox noise, music and key clicks (see
 * test/env/fixtures.ts), and echoes built from them. Assertions are about shares of 200 ms
 * windows after the first second (the classifier judges on the last 1.2 s, the echo estimator
 * needs a second of room sound), never about timing.
 */

const RATE = 48_000;
/** Reports skipped at the start: the context is still filling. */
const WARM_UP = 6;
/** Reports skipped at the start for echo: a second of room sound first. */
const ECHO_WARM_UP = 8;

let speechA: Float32Array;
let speechB: Float32Array;
let fixtures: Awaited<ReturnType<typeof ensureMicFixtures>>;

beforeAll(async () => {
  await ensureFixtures();
  fixtures = await ensureMicFixtures();
  speechA = readMono(SPEECH_WAV).samples;
  speechB = readMono(fixtures.speechB).samples;
}, 60_000);

const settled = (reports: AnalysedReport[], skip = WARM_UP): AnalysedReport[] => reports.slice(skip);
const sounding = (reports: AnalysedReport[]): AnalysedReport[] => reports.filter((report) => report.voice !== 'silence');

describe('levels', () => {
  it('reads dBFS on the report scale, digital silence at the floor', () => {
    expect(amplitudeToDbfs(1)).toBe(0);
    expect(amplitudeToDbfs(2)).toBe(0);
    expect(amplitudeToDbfs(0.5)).toBeCloseTo(-6.02, 2);
    expect(amplitudeToDbfs(0)).toBe(SILENCE_DBFS);
    expect(amplitudeToDbfs(1e-12)).toBe(SILENCE_DBFS);
    expect(amplitudeToDbfs(Number.NaN)).toBe(SILENCE_DBFS);
  });

  it('measures a sine’s RMS and peak, and ignores broken samples', () => {
    const meter = new LevelMeter();
    const sine = Float32Array.from({ length: 4800 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 1000 * i) / RATE));
    meter.add(sine);
    expect(meter.levelDbfs).toBeCloseTo(-9.03, 1);
    expect(meter.peakDbfs).toBeCloseTo(-6.02, 1);
    meter.reset();
    expect(meter.levelDbfs).toBe(SILENCE_DBFS);
    meter.add(new Float32Array([Number.NaN, Number.POSITIVE_INFINITY, 0]));
    expect(meter.levelDbfs).toBe(SILENCE_DBFS);
  });
});

describe('reports', () => {
  // 12 s of audio through the whole analysis (four block sizes): CPU-bound, so a loaded 2-core machine needs more than vitest's 5 s.
  it('come every 200 ms of audio whatever the block size, valid, stamped by the injected clock', { timeout: 30_000 }, async () => {
    const mic = speechA.subarray(0, 3 * RATE);
    for (const block of [128, 1000, 9600, 48_000]) {
      const reports = await analyse(mic, null, { block, startAt: 5000 });
      expect(reports).toHaveLength(15);
      expect(reports.map((report) => report.at)).toEqual(Array.from({ length: 15 }, (_, i) => 5200 + 200 * i));
      for (const report of reports) {
        const { detail: _detail, ...plain } = report;
        expect(MicReportSchema.parse(plain)).toEqual(plain);
      }
    }
  });

  it('say silence, at the floor, for digital silence and for a faint hiss', async () => {
    const zero = await analyse(new Float32Array(4 * RATE), null);
    expect(
      zero.every(
        (report) =>
          report.voice === 'silence' &&
          report.levelDbfs === SILENCE_DBFS &&
          report.peakDbfs === SILENCE_DBFS &&
          report.speechProbability === 0,
      ),
    ).toBe(true);
    expect(zero.every((report) => report.echoScore === 0 && report.echoDelayMs === null)).toBe(true);
    const hiss = await analyse(mix(4 * RATE, [{ signal: readMono(fixtures.whiteNoise).samples, gain: 10 ** (-52 / 20) / 0.115 }]), null);
    expect(voices(hiss)).toEqual({ silence: 20 });
  });

  it('measure the level of what is sent', async () => {
    const reports = settled(await analyse(readMono(fixtures.whiteNoise).samples.subarray(0, 4 * RATE), null));
    for (const report of reports) {
      expect(report.levelDbfs).toBeGreaterThan(-20);
      expect(report.levelDbfs).toBeLessThan(-18);
      expect(report.peakDbfs).toBeCloseTo(-14, 0);
    }
  });
});

describe('voice classification', () => {
  it.each([
    ['espeak-ng speech (male voice)', () => speechA],
    ['espeak-ng speech (female voice, other words)', () => speechB],
  ])('calls %s speech', async (_name, signal) => {
    const reports = sounding(settled(await analyse(signal(), null)));
    expect(reports.length).toBeGreaterThan(30);
    expect(
      shareOf(reports, (report) => report.voice === 'speech'),
      JSON.stringify(voices(reports)),
    ).toBeGreaterThanOrEqual(0.9);
    expect(shareOf(reports, (report) => report.speechProbability >= 0.5)).toBeGreaterThanOrEqual(0.9);
  });

  it('still calls speech speech over a fan 10 dB down and over typing', async () => {
    const length = speechA.length;
    const overFan = sounding(
      settled(await analyse(mix(length, [{ signal: speechA }, { signal: readMono(fixtures.pinkNoise).samples, gain: 0.6 }]), null)),
    );
    expect(
      shareOf(overFan, (report) => report.voice === 'speech'),
      JSON.stringify(voices(overFan)),
    ).toBeGreaterThanOrEqual(0.8);
    const overTyping = sounding(
      settled(await analyse(mix(length, [{ signal: speechA }, { signal: readMono(fixtures.typing).samples, gain: 0.5 }]), null)),
    );
    expect(
      shareOf(overTyping, (report) => report.voice === 'speech'),
      JSON.stringify(voices(overTyping)),
    ).toBeGreaterThanOrEqual(0.8);
  });

  it.each([
    ['white', () => fixtures.whiteNoise],
    ['pink', () => fixtures.pinkNoise],
    ['brown', () => fixtures.brownNoise],
  ])('never calls steady %s noise speech, and calls it noise', async (_name, file) => {
    const reports = await analyse(readMono(file()).samples, null);
    // Not one window, from the very first.
    expect(reports.filter((report) => report.voice === 'speech')).toEqual([]);
    expect(Math.max(...reports.map((report) => report.speechProbability))).toBeLessThan(0.3);
    expect(voices(settled(reports))).toEqual({ noise: reports.length - WARM_UP });
  });

  it('never calls steady noise speech at any level above the gate', async () => {
    const pink = readMono(fixtures.pinkNoise).samples.subarray(0, 4 * RATE);
    for (const gainDb of [-20, -10, 0, 10]) {
      const reports = await analyse(mix(pink.length, [{ signal: pink, gain: 10 ** (gainDb / 20) }]), null);
      expect(
        reports.filter((report) => report.voice === 'speech'),
        `pink noise at ${gainDb} dB`,
      ).toEqual([]);
    }
  });

  it('calls sox chords music, never speech', async () => {
    const reports = await analyse(readMono(fixtures.music).samples, null);
    expect(reports.filter((report) => report.voice === 'speech')).toEqual([]);
    expect(
      shareOf(settled(reports), (report) => report.voice === 'music'),
      JSON.stringify(voices(reports)),
    ).toBeGreaterThanOrEqual(0.8);
  });

  it('calls key clicks typing, never speech', async () => {
    const reports = await analyse(readMono(fixtures.typing).samples, null);
    expect(reports.filter((report) => report.voice === 'speech')).toEqual([]);
    expect(
      shareOf(sounding(settled(reports)), (report) => report.voice === 'typing'),
      JSON.stringify(voices(reports)),
    ).toBeGreaterThanOrEqual(0.8);
  });

  it('works at 44.1 kHz too (resampled inside)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mic-analysis-'));
    try {
      const speech44 = join(dir, 'speech-44k.wav');
      const noise44 = join(dir, 'noise-44k.wav');
      await promisify(execFile)('sox', [SPEECH_WAV, '-r', '44100', speech44]);
      await promisify(execFile)('sox', [fixtures.pinkNoise, '-r', '44100', noise44]);
      const speech = sounding(settled(await analyse(readMono(speech44).samples, null, { sampleRate: 44_100 })));
      expect(shareOf(speech, (report) => report.voice === 'speech')).toBeGreaterThanOrEqual(0.9);
      const noise = await analyse(readMono(noise44).samples, null, { sampleRate: 44_100 });
      expect(noise.filter((report) => report.voice === 'speech')).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('echo score', () => {
  const seconds = 12;
  const length = seconds * RATE;

  it.each([
    [120, 0.5],
    [300, 0.5],
    [40, 0.35],
  ])('finds the room in the microphone %i ms late (echo at ×%s under the speaker’s own voice)', async (delayMs, gain) => {
    const room = looped(speechB, length);
    const mic = mix(length, [{ signal: speechA }, { signal: room, gain, delay: Math.round((delayMs * RATE) / 1000) }]);
    const reports = settled(await analyse(mic, room), ECHO_WARM_UP);
    expect(
      shareOf(reports, (report) => report.echoScore >= 0.3),
      JSON.stringify(reports.map((report) => report.echoScore)),
    ).toBeGreaterThanOrEqual(0.9);
    for (const report of reports.filter((each) => each.echoDelayMs !== null))
      expect(Math.abs((report.echoDelayMs as number) - delayMs)).toBeLessThanOrEqual(20);
    expect(shareOf(reports, (report) => report.echoDelayMs !== null)).toBeGreaterThanOrEqual(0.9);
    // The speaker still talks: the voice is speech, not confused by the echo.
    expect(shareOf(sounding(reports), (report) => report.voice === 'speech')).toBeGreaterThanOrEqual(0.8);
  });

  it('scores a microphone that is nothing but the room close to 1', async () => {
    const room = looped(speechB, length);
    const reports = settled(await analyse(mix(length, [{ signal: room, gain: 0.3, delay: 4800 }]), room), ECHO_WARM_UP);
    expect(Math.min(...reports.map((report) => report.echoScore))).toBeGreaterThan(0.9);
    expect(new Set(reports.map((report) => report.echoDelayMs))).toEqual(new Set([100]));
  });

  it('scores an independent room low (no echo)', async () => {
    for (const [mic, room] of [
      [looped(speechA, length), looped(speechB, length)],
      [looped(speechB, length), looped(speechA, length)],
      [looped(readMono(fixtures.pinkNoise).samples, length), looped(speechB, length)],
      [looped(speechA, length), looped(readMono(fixtures.music).samples, length)],
    ] as const) {
      const reports = settled(await analyse(mic, room), ECHO_WARM_UP);
      expect(Math.max(...reports.map((report) => report.echoScore))).toBeLessThan(0.15);
    }
  });

  it('claims no echo from a steady tone that is in both (it correlates at every period)', async () => {
    const tone = Float32Array.from({ length }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / RATE));
    const reports = settled(await analyse(mix(length, [{ signal: tone, delay: 100 }]), tone), ECHO_WARM_UP);
    expect(Math.max(...reports.map((report) => report.echoScore))).toBeLessThan(0.15);
    expect(reports.every((report) => report.echoDelayMs === null)).toBe(true);
  });

  it('gives no score without a room, or while the room is silent, and drops it once the room stays silent', async () => {
    const room = looped(speechB, length);
    const echoing = mix(length, [{ signal: speechA }, { signal: room, gain: 0.5, delay: 4800 }]);
    const noRoom = await analyse(echoing, null);
    expect(noRoom.every((report) => report.echoScore === 0 && report.echoDelayMs === null)).toBe(true);
    const silentRoom = await analyse(looped(speechA, length), new Float32Array(length));
    expect(silentRoom.every((report) => report.echoScore === 0 && report.echoDelayMs === null)).toBe(true);
    // Echo for 6 s, then the room falls silent (the speaker goes on): the score goes within the hold (3 s) and a report.
    const roomThenSilence = new Float32Array(length);
    roomThenSilence.set(room.subarray(0, 6 * RATE));
    const reports = await analyse(
      mix(length, [{ signal: looped(speechA, length) }, { signal: roomThenSilence, gain: 0.5, delay: 4800 }]),
      roomThenSilence,
    );
    expect(reports[29]?.echoScore).toBeGreaterThan(0.3);
    expect(reports.slice(47).every((report) => report.echoScore === 0 && report.echoDelayMs === null)).toBe(true);
  });

  it('drops the score at once when the microphone is muted (its track sends digital silence)', async () => {
    const room = looped(speechB, length);
    const echoing = mix(length, [{ signal: speechA }, { signal: room, gain: 0.5, delay: 4800 }]);
    // Muted from 8 s on: the disabled track gives zeros.
    echoing.fill(0, 8 * RATE);
    const reports = await analyse(echoing, room);
    expect(reports[39]?.echoScore).toBeGreaterThan(0.3);
    expect(reports.slice(40).every((report) => report.voice === 'silence' && report.echoScore === 0 && report.echoDelayMs === null)).toBe(
      true,
    );
  });
});
