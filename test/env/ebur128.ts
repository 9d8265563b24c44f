import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** What ffmpeg's `ebur128` filter reads for a file: the reference the engine's meter is checked against. */
export interface Ebur128Reading {
  integratedLufs: number;
  rangeLu: number;
  truePeakDbtp: number;
  /** The last 100 ms line's momentary and short-term values. */
  momentaryLufs: number;
  shortTermLufs: number;
}

function field(text: string, pattern: RegExp, name: string): number {
  const match = pattern.exec(text);
  if (!match?.[1]) throw new Error(`ffmpeg ebur128 printed no ${name}:\n${text.slice(-2000)}`);
  return Number.parseFloat(match[1]);
}

/** Measures a file (anything ffmpeg reads, e.g. WAV or Ogg/Opus) with `ffmpeg -af ebur128=peak=true`. */
export async function ebur128(path: string): Promise<Ebur128Reading> {
  let stderr: string;
  try {
    ({ stderr } = await run('ffmpeg', ['-hide_banner', '-nostats', '-i', path, '-af', 'ebur128=peak=true', '-f', 'null', '-'], {
      maxBuffer: 256 * 1024 * 1024,
    }));
  } catch (error) {
    const { size } = await stat(path).catch(() => ({ size: -1 }));
    const output = (error as { stderr?: string }).stderr ?? String(error);
    throw new Error(`ffmpeg could not measure ${path} (${size} bytes): ${output.split('\n').slice(-6).join('\n')}`, { cause: error });
  }
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const lines = stderr.split('\n').filter((line) => line.includes(' M: '));
  const last = lines.at(-1) ?? '';
  return {
    integratedLufs: field(summary, /I:\s+(-?[\d.]+) LUFS/, 'integrated loudness'),
    rangeLu: field(summary, /LRA:\s+(-?[\d.]+) LU/, 'loudness range'),
    truePeakDbtp: field(summary, /Peak:\s+(-?[\d.]+|-inf) dBFS/, 'true peak'),
    momentaryLufs: field(last, /M:\s*(-?[\d.]+)/, 'momentary loudness'),
    shortTermLufs: field(last, /S:\s*(-?[\d.]+)/, 'short-term loudness'),
  };
}
