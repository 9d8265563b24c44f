import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { AudioFileError } from './audio-file-error';
import type { ChannelCount } from './audio-frame';

/*
 * A streaming reader for RIFF/WAVE files: PCM 8/16/24/32-bit integer and 32/64-bit float, plain or
 * WAVE_FORMAT_EXTENSIBLE, mono or stereo. It reads the chunk list itself (skipping LIST, fact, bext
 * and anything unknown, honouring the pad byte of odd-sized chunks) and then reads sample blocks on
 * demand with small synchronous reads, so a long file never sits in memory.
 */

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Lowest sample rate accepted. */
export const WAV_MIN_RATE = 8_000;
/** Highest sample rate accepted (the resampler handles ratios far beyond these). */
export const WAV_MAX_RATE = 192_000;

/** How the samples in a WAV file are stored. */
export type WavSampleFormat = 'int8' | 'int16' | 'int24' | 'int32' | 'float32' | 'float64';

/**
 * Most chunks read before the audio: real files have a handful (fmt, LIST, bext, fact, data). A file
 * of millions of empty chunks is refused here instead of walked (a syscall per chunk).
 */
export const WAV_MAX_CHUNKS = 1024;

/** What a WAV header says. */
export interface WavInfo {
  sampleRate: number;
  channels: ChannelCount;
  format: WavSampleFormat;
  /** Frames (samples per channel) in the data chunk. */
  frames: number;
  /** Bytes per frame. */
  blockAlign: number;
  /** Offset of the first sample byte in the file. */
  dataOffset: number;
}

/** Reads a WAV file's samples as float32, interleaved, in [-1, 1]. */
export class WavReader {
  private position = 0; // in frames

  private constructor(
    readonly path: string,
    private fd: number | null,
    readonly info: WavInfo,
  ) {}

  /** Opens and validates a file; throws {@link AudioFileError} naming what is wrong and what to do. */
  static open(path: string): WavReader {
    let fd: number;
    try {
      // Non-blocking: opening a FIFO for reading would otherwise wait for a writer, with the event
      // loop (and Ctrl+C) stuck. Reads of a regular file ignore the flag.
      fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      throw new AudioFileError(path, 'unreadable', `the file cannot be opened (${typeof code === 'string' ? code : 'unknown error'}).`);
    }
    try {
      if (!fstatSync(fd).isFile())
        throw new AudioFileError(path, 'unreadable', 'it is not a regular file (a FIFO, device or folder); give a .wav file.');
      return new WavReader(path, fd, readHeader(path, fd));
    } catch (error) {
      closeSync(fd);
      throw error;
    }
  }

  /** Frames not read yet. */
  get remainingFrames(): number {
    return this.info.frames - this.position;
  }

  /** Reads up to `frames` frames; returns fewer at the end of the data and an empty array after it. */
  read(frames: number): Float32Array {
    if (this.fd === null) throw new Error(`WAV reader for ${this.path} is closed`);
    const count = Math.max(0, Math.min(frames, this.remainingFrames));
    if (count === 0) return new Float32Array(0);
    const { blockAlign, dataOffset, channels } = this.info;
    const bytes = Buffer.alloc(count * blockAlign);
    let filled = 0;
    while (filled < bytes.length) {
      let read: number;
      try {
        read = readSync(this.fd, bytes, filled, bytes.length - filled, dataOffset + this.position * blockAlign + filled);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        throw new AudioFileError(
          this.path,
          'unreadable',
          `reading the audio failed (${typeof code === 'string' ? code : 'unknown error'}).`,
        );
      }
      if (read === 0) break; // the file shrank while we play it: treat as its end
      filled += read;
    }
    const whole = Math.floor(filled / blockAlign);
    this.position = whole < count ? this.info.frames : this.position + whole;
    return decodeSamples(bytes.subarray(0, whole * blockAlign), this.info.format, whole * channels);
  }

  /** Goes back to the first frame (for looping). */
  rewind(): void {
    this.position = 0;
  }

  /** Closes the file. */
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

function readAt(path: string, fd: number, offset: number, length: number): Buffer {
  const buffer = Buffer.alloc(length);
  let read: number;
  try {
    read = readSync(fd, buffer, 0, length, offset);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw new AudioFileError(path, 'unreadable', `reading the file failed (${typeof code === 'string' ? code : 'unknown error'}).`);
  }
  return buffer.subarray(0, read);
}

interface FormatChunk {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function readHeader(path: string, fd: number): WavInfo {
  const fileSize = fstatSync(fd).size;
  const riff = readAt(path, fd, 0, 12);
  const magic = riff.toString('latin1', 0, 4);
  if (magic === 'RF64' || magic === 'BW64') {
    throw new AudioFileError(path, 'unsupported-format', `it is a 64-bit ${magic} file, which Steadycast does not read.`);
  }
  if (riff.length < 12 || magic !== 'RIFF' || riff.toString('latin1', 8, 12) !== 'WAVE') {
    throw new AudioFileError(path, 'not-wav', 'it is not a WAV file (no RIFF/WAVE header).');
  }
  let format: FormatChunk | null = null;
  let data: { offset: number; size: number } | null = null;
  let offset = 12;
  let chunks = 0;
  while (offset + 8 <= fileSize && !(format && data)) {
    chunks += 1;
    if (chunks > WAV_MAX_CHUNKS) {
      throw new AudioFileError(path, 'not-wav', `it has more than ${WAV_MAX_CHUNKS} chunks before its audio, which no real WAV file has.`);
    }
    const header = readAt(path, fd, offset, 8);
    if (header.length < 8) break;
    const id = header.toString('latin1', 0, 4);
    const size = header.readUInt32LE(4);
    const body = offset + 8;
    if (id === 'fmt ') {
      format = parseFormat(path, readAt(path, fd, body, Math.min(size, 40)));
    } else if (id === 'data') {
      // Streamed WAVs (a recorder that never came back to fix the header) say 0 or 0xFFFFFFFF here.
      const available = fileSize - body;
      data = { offset: body, size: size === 0 || size > available ? available : size };
      if (!format && data.size !== size) break; // a data chunk of unknown length cannot be skipped
    }
    offset = body + size + (size % 2);
  }
  if (!format) throw new AudioFileError(path, 'not-wav', 'it has no "fmt " chunk, so its sample format is unknown.');
  if (!data) throw new AudioFileError(path, 'empty', 'it has no "data" chunk.');
  const info = describeFormat(path, format);
  const frames = Math.floor(data.size / format.blockAlign);
  if (frames === 0) throw new AudioFileError(path, 'empty', 'it holds no audio samples.');
  return { ...info, frames, blockAlign: format.blockAlign, dataOffset: data.offset };
}

function parseFormat(path: string, body: Buffer): FormatChunk {
  if (body.length < 16) throw new AudioFileError(path, 'not-wav', 'its "fmt " chunk is too short.');
  let formatTag = body.readUInt16LE(0);
  if (formatTag === WAVE_FORMAT_EXTENSIBLE) {
    if (body.length < 26) throw new AudioFileError(path, 'not-wav', 'its extensible "fmt " chunk is too short.');
    formatTag = body.readUInt16LE(24); // first two bytes of the sub-format GUID
  }
  return {
    formatTag,
    channels: body.readUInt16LE(2),
    sampleRate: body.readUInt32LE(4),
    blockAlign: body.readUInt16LE(12),
    bitsPerSample: body.readUInt16LE(14),
  };
}

function describeFormat(path: string, format: FormatChunk): Pick<WavInfo, 'sampleRate' | 'channels' | 'format'> {
  const { formatTag, channels, sampleRate, bitsPerSample, blockAlign } = format;
  let sampleFormat: WavSampleFormat | null;
  if (formatTag === WAVE_FORMAT_PCM) {
    sampleFormat = ({ 8: 'int8', 16: 'int16', 24: 'int24', 32: 'int32' } as const)[bitsPerSample as 8 | 16 | 24 | 32] ?? null;
  } else if (formatTag === WAVE_FORMAT_IEEE_FLOAT) {
    sampleFormat = ({ 32: 'float32', 64: 'float64' } as const)[bitsPerSample as 32 | 64] ?? null;
  } else {
    throw new AudioFileError(
      path,
      'unsupported-format',
      `its samples are compressed (WAVE format 0x${formatTag.toString(16)}); only PCM and float WAV is read.`,
    );
  }
  if (!sampleFormat) {
    throw new AudioFileError(
      path,
      'unsupported-format',
      `${bitsPerSample}-bit ${formatTag === WAVE_FORMAT_PCM ? 'integer' : 'float'} samples are not supported.`,
    );
  }
  if (channels !== 1 && channels !== 2) {
    throw new AudioFileError(path, 'unsupported-format', `it has ${channels} channels; Steadycast reads mono or stereo.`);
  }
  if (sampleRate < WAV_MIN_RATE || sampleRate > WAV_MAX_RATE) {
    throw new AudioFileError(path, 'unsupported-format', `its sample rate ${sampleRate} Hz is outside ${WAV_MIN_RATE}–${WAV_MAX_RATE} Hz.`);
  }
  if (blockAlign !== (channels * bitsPerSample) / 8) {
    throw new AudioFileError(
      path,
      'not-wav',
      `its header is inconsistent (block size ${blockAlign} bytes for ${channels} × ${bitsPerSample} bits).`,
    );
  }
  return { sampleRate, channels, format: sampleFormat };
}

function decodeSamples(bytes: Buffer, format: WavSampleFormat, count: number): Float32Array {
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (format) {
    case 'int8':
      for (let i = 0; i < count; i += 1) out[i] = (view.getUint8(i) - 128) / 128;
      break;
    case 'int16':
      for (let i = 0; i < count; i += 1) out[i] = view.getInt16(2 * i, true) / 32768;
      break;
    case 'int24':
      for (let i = 0; i < count; i += 1) {
        const at = 3 * i;
        const value = view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getInt8(at + 2) << 16);
        out[i] = value / 8388608;
      }
      break;
    case 'int32':
      for (let i = 0; i < count; i += 1) out[i] = view.getInt32(4 * i, true) / 2147483648;
      break;
    case 'float32':
      for (let i = 0; i < count; i += 1) out[i] = finite(view.getFloat32(4 * i, true));
      break;
    case 'float64':
      for (let i = 0; i < count; i += 1) out[i] = finite(view.getFloat64(8 * i, true));
      break;
  }
  return out;
}

/** A float file may hold NaN or infinities; they would poison the encoder's state, so they become silence. */
function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
