import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Folder for generated audio fixtures (git-ignored). */
export const GENERATED_FIXTURES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'generated');

/** 440 Hz sine, 5 s, 48 kHz mono 16-bit WAV. */
export const TONE_WAV = join(GENERATED_FIXTURES_DIR, 'tone-440-48k.wav');

/** 880 Hz sine, 20 s, 48 kHz mono 16-bit WAV: a second voice that is easy to tell from the first. */
export const TONE_880_WAV = join(GENERATED_FIXTURES_DIR, 'tone-880-48k.wav');

/** A few spoken sentences (espeak-ng), 48 kHz mono 16-bit WAV. */
export const SPEECH_WAV = join(GENERATED_FIXTURES_DIR, 'speech-48k.wav');

const SPEECH_TEXT =
  'Welcome to Steadycast. This is a live audio space, and you are listening to the host. ' +
  'If you can hear these words, the microphone reached the room and the room reached you.';

/** Generates the audio fixtures that are missing (needs sox and espeak-ng); returns their paths. */
export async function ensureFixtures(): Promise<{ toneWav: string; tone880Wav: string; speechWav: string }> {
  mkdirSync(GENERATED_FIXTURES_DIR, { recursive: true });
  await produce(TONE_880_WAV, async (tmp) => {
    await execFileAsync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', tmp, 'synth', '20', 'sine', '880', 'gain', '-6']);
  });
  await produce(TONE_WAV, async (tmp) => {
    await execFileAsync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', tmp, 'synth', '5', 'sine', '440', 'gain', '-6']);
  });
  await produce(SPEECH_WAV, async (tmp) => {
    const raw = `${tmp}.espeak.wav`;
    try {
      await execFileAsync('espeak-ng', ['-v', 'en', '-s', '160', '-w', raw, SPEECH_TEXT]);
      await execFileAsync('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', tmp]);
    } finally {
      rmSync(raw, { force: true });
    }
  });
  await ensureMicFixtures();
  return { toneWav: TONE_WAV, tone880Wav: TONE_880_WAV, speechWav: SPEECH_WAV };
}

/*
 * Microphone analysis fixtures (renderer/audio/mic-analysis): what a speaker's microphone may carry.
 * All 48 kHz mono 16-bit WAV, made by espeak-ng and sox only, deterministic (sox's noise
 * generators are seeded with -R), so a classification that passes once passes every time.
 */

/** A second speaker (female variant, other words): the room's voice in echo tests. */
export const SPEECH_B_WAV = join(GENERATED_FIXTURES_DIR, 'speech-b-48k.wav');
/** Steady white noise, 12 s, peaks at −14 dBFS (RMS about −19 dBFS: a loud hiss). */
export const WHITE_NOISE_WAV = join(GENERATED_FIXTURES_DIR, 'noise-white-48k.wav');
/** Steady pink noise, 12 s, peaks at −14 dBFS (RMS about −26 dBFS: a fan, an air conditioner). */
export const PINK_NOISE_WAV = join(GENERATED_FIXTURES_DIR, 'noise-pink-48k.wav');
/** Steady brown noise, 12 s, peaks at −14 dBFS (RMS about −19 dBFS: a rumble of traffic or machinery). */
export const BROWN_NOISE_WAV = join(GENERATED_FIXTURES_DIR, 'noise-brown-48k.wav');
/** Music-like: sustained synth chords (a pad) under a plucked arpeggio, 16 s. */
export const MUSIC_WAV = join(GENERATED_FIXTURES_DIR, 'music-48k.wav');
/** Typing-like: short filtered noise bursts (key clicks) at irregular intervals, about 14 s. */
export const TYPING_WAV = join(GENERATED_FIXTURES_DIR, 'typing-48k.wav');

const SPEECH_B_TEXT =
  'Thanks for having me on the show tonight. I wanted to talk about the launch, the servers we picked, ' +
  'and why the audience could hear every word even when the traffic tripled in the first minute.';

/** sox arguments that write 48 kHz mono 16-bit. */
const WAV_OUT = ['-r', '48000', '-c', '1', '-b', '16'];

/** Chords of the music fixture, as sox note names: a I–vi–IV–V progression in C, each 2 s. */
const MUSIC_CHORDS = [
  ['C3', 'E3', 'G3', 'C4'],
  ['A2', 'E3', 'A3', 'C4'],
  ['F2', 'C3', 'F3', 'A3'],
  ['G2', 'D3', 'G3', 'B3'],
];

/** Key-click intervals of the typing fixture, in ms (a fixed irregular pattern). */
const TYPING_GAPS_MS = [140, 95, 210, 120, 80, 330, 160, 110, 90, 260, 130, 175, 100, 420, 150, 85, 120, 240, 105, 190];

/** Generates the microphone analysis fixtures that are missing (needs sox and espeak-ng). */
export async function ensureMicFixtures(): Promise<{
  speechB: string;
  whiteNoise: string;
  pinkNoise: string;
  brownNoise: string;
  music: string;
  typing: string;
}> {
  mkdirSync(GENERATED_FIXTURES_DIR, { recursive: true });
  await produce(SPEECH_B_WAV, async (tmp) => {
    const raw = `${tmp}.espeak.wav`;
    try {
      await execFileAsync('espeak-ng', ['-v', 'en-us+f3', '-s', '150', '-w', raw, SPEECH_B_TEXT]);
      await execFileAsync('sox', ['-R', raw, ...WAV_OUT, tmp]);
    } finally {
      rmSync(raw, { force: true });
    }
  });
  for (const [target, kind] of [
    [WHITE_NOISE_WAV, 'whitenoise'],
    [PINK_NOISE_WAV, 'pinknoise'],
    [BROWN_NOISE_WAV, 'brownnoise'],
  ] as const) {
    await produce(target, async (tmp) => {
      // Every colour normalised to the same peak.
      await execFileAsync('sox', ['-R', '-n', ...WAV_OUT, tmp, 'synth', '12', kind, 'norm', '-14']);
    });
  }
  await produce(MUSIC_WAV, async (tmp) => {
    const parts: string[] = [];
    try {
      for (const [index, chord] of MUSIC_CHORDS.entries()) {
        const part = `${tmp}.chord${index}.wav`;
        parts.push(part);
        // A pad (detuned sawtooth triad, low-passed, slow swell) and the same notes plucked one after another.
        const pad = chord.flatMap((note) => ['sawtooth', note]);
        const pluck = chord.flatMap((note) => ['pluck', note]);
        await execFileAsync('sox', [
          '-R',
          '-n',
          ...WAV_OUT,
          `${part}.pad.wav`,
          'synth',
          '2',
          ...pad,
          'lowpass',
          '1800',
          'fade',
          'q',
          '0.08',
          '2',
          '0.15',
          'gain',
          '-14',
        ]);
        await execFileAsync('sox', [
          '-R',
          '-n',
          ...WAV_OUT,
          `${part}.pluck.wav`,
          'synth',
          '2',
          ...pluck,
          'delay',
          '0',
          '0.25',
          '0.5',
          '0.75',
          'remix',
          '-',
          'fade',
          '0',
          '2',
          '0.1',
          'gain',
          '-10',
        ]);
        await execFileAsync('sox', ['-R', '-m', `${part}.pad.wav`, `${part}.pluck.wav`, part]);
      }
      // Twice through the progression: 16 s.
      await execFileAsync('sox', ['-R', ...parts, ...parts, ...WAV_OUT, tmp, 'norm', '-3']);
    } finally {
      for (const part of parts) {
        for (const file of [part, `${part}.pad.wav`, `${part}.pluck.wav`]) rmSync(file, { force: true });
      }
    }
  });
  await produce(TYPING_WAV, async (tmp) => {
    const clicks: string[] = [];
    try {
      // Four key sounds: a short high click and a duller one, each at two levels.
      const shapes: [length: string, highpass: string, gain: string][] = [
        ['0.006', '2500', '-6'],
        ['0.012', '1200', '-9'],
        ['0.008', '1800', '-14'],
        ['0.015', '900', '-12'],
      ];
      for (const [index, gap] of TYPING_GAPS_MS.entries()) {
        const [length, highpass, gain] = shapes[index % shapes.length] ?? ['0.008', '1500', '-10'];
        const click = `${tmp}.click${index}.wav`;
        clicks.push(click);
        await execFileAsync('sox', [
          '-R',
          '-n',
          ...WAV_OUT,
          click,
          'synth',
          length,
          'whitenoise',
          'highpass',
          highpass,
          'fade',
          'p',
          '0.0005',
          length,
          String(Number(length) - 0.001),
          'gain',
          gain,
          'pad',
          '0',
          String(gap / 1000),
        ]);
      }
      // The pattern four times over, ~14 s.
      await execFileAsync('sox', ['-R', ...clicks, ...clicks, ...clicks, ...clicks, ...WAV_OUT, tmp]);
    } finally {
      for (const click of clicks) rmSync(click, { force: true });
    }
  });
  return {
    speechB: SPEECH_B_WAV,
    whiteNoise: WHITE_NOISE_WAV,
    pinkNoise: PINK_NOISE_WAV,
    brownNoise: BROWN_NOISE_WAV,
    music: MUSIC_WAV,
    typing: TYPING_WAV,
  };
}

/** Writes `target` through a temp file and an atomic rename, so concurrent or interrupted runs never leave half a file. */
async function produce(target: string, write: (tmp: string) => Promise<void>): Promise<void> {
  if (existsSync(target)) return;
  const tmp = `${target}.${process.pid}.tmp.wav`;
  try {
    await write(tmp);
    renameSync(tmp, target);
  } finally {
    rmSync(tmp, { force: true });
  }
}
