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
  return { toneWav: TONE_WAV, tone880Wav: TONE_880_WAV, speechWav: SPEECH_WAV };
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
