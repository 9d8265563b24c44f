import { close, closeSync, fdatasync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import type { Clock } from '../clock';
import { createLogger, type Logger } from '../log/logger';
import { OggOpusStream } from '../ogg/ogg-opus-stream';
import { describeError } from '../../shared/describe-error';

/*
 * The safety recording: every encoded packet of the show, in a local Ogg Opus file, whatever the
 * outputs do. Each Ogg page is written with a synchronous write the moment the Ogg writer completes
 * it (at least every 100 ms of audio), so the file in the OS page cache is always valid up to its
 * last page: a crash or `kill -9` loses at most the page being filled and the end-of-stream flag.
 *
 *   idle ──start()──► recording ──stop()──► stopped
 *                        │  └─ split (size/time): EOS on this file, fresh headers in the next
 *                        └─ write/open error ──► failed (the show goes on; the error is in the state)
 *
 * With splitting on, files are numbered from the start: show.opus → show-001.opus, show-002.opus …
 *
 * The recorder closes pages itself: a full page (100 ms) is written when the next packet arrives,
 * so at least one packet is always pending and the end-of-stream flag lands on a real audio page
 * when the file is closed (as libogg does it). An empty EOS page after a full one would need a
 * granule of −1 (RFC 3533), and players warn about anything else. The cost is one frame: a crash
 * loses at most 120 ms of audio instead of 100 ms.
 */

/** Audio per second at the Ogg granule rate. */
const GRANULE_RATE = 48_000;
/** Audio per page: 100 ms. */
const PAGE_SAMPLES = 4800;

/** How a recording is set up. */
export interface SafetyRecorderOptions {
  /** File to write (e.g. show.opus); its folder is created if needed. An existing file is never overwritten. */
  path: string;
  channels: 1 | 2;
  /** Encoder lookahead in 48 kHz samples (OpusEncoderService.lookaheadSamples). */
  preSkip: number;
  clock: Clock;
  /** Start a new file once the current one reaches this many bytes (at the next page boundary). */
  splitEveryBytes?: number;
  /** Start a new file once the current one holds this much audio (at the next packet boundary). */
  splitEveryMs?: number;
  /** Vorbis-comment tags for every file, e.g. { TITLE: 'Launch night' }. */
  tags?: Readonly<Record<string, string>>;
  /** Ogg serial numbers; a new one per file. */
  random?: () => number;
  /** Told about files opened and closed and about a failure. */
  onEvent?: (event: RecordingEvent) => void;
  log?: Logger;
}

/** Something that happened to the recording. */
export type RecordingEvent =
  | { type: 'file-opened'; path: string; at: number }
  | { type: 'file-closed'; path: string; bytes: number; samples: number; at: number }
  | { type: 'failed'; error: RecordingError; at: number };

/** Where the recording stands. */
export interface RecordingState {
  status: 'idle' | 'recording' | 'stopped' | 'failed';
  /** The file being written (the last one written once stopped); null before start. */
  path: string | null;
  /** Every file of this recording, in order. */
  files: string[];
  /** Bytes written to all files. */
  bytesWritten: number;
  /** Audio written to all files, in 48 kHz samples. */
  samples: number;
  /** Audio written, in seconds (samples / 48000). */
  durationSeconds: number;
  /** When start() was called (clock ms); null before. */
  startedAt: number | null;
  /** Why the recording failed. */
  error: string | null;
}

/** The recording cannot be written. */
export class RecordingError extends Error {
  constructor(
    readonly path: string,
    detail: string,
    advice: string,
  ) {
    super(`Safety recording "${path}": ${detail}. ${advice}`);
    this.name = 'RecordingError';
  }
}

interface OpenFile {
  path: string;
  fd: number;
  stream: OggOpusStream;
  bytes: number;
  samples: number;
  /** Audio added to the stream but not yet on a written page. */
  pendingSamples: number;
  released: boolean;
}

/** Writes the program's Opus packets to a crash-safe Ogg Opus file, optionally split by size or time. */
export class SafetyRecorder {
  private status: RecordingState['status'] = 'idle';
  private current: OpenFile | null = null;
  private readonly files: string[] = [];
  private bytesWritten = 0;
  private samples = 0;
  private startedAt: number | null = null;
  private error: RecordingError | null = null;
  private fileNumber = 0;
  private readonly log: Logger;
  private readonly splitSamples: number | null;

  constructor(private readonly options: SafetyRecorderOptions) {
    this.log = options.log ?? createLogger('recording');
    const { splitEveryBytes, splitEveryMs } = options;
    if (splitEveryBytes !== undefined && !(splitEveryBytes >= 4096)) {
      throw new RangeError(`splitEveryBytes must be at least 4096, not ${splitEveryBytes}`);
    }
    if (splitEveryMs !== undefined && !(splitEveryMs >= 1000))
      throw new RangeError(`splitEveryMs must be at least 1000, not ${splitEveryMs}`);
    this.splitSamples = splitEveryMs === undefined ? null : Math.round((splitEveryMs * GRANULE_RATE) / 1000);
  }

  /** A snapshot of the recording's state. */
  get state(): RecordingState {
    return {
      status: this.status,
      path: this.current?.path ?? this.files.at(-1) ?? null,
      files: [...this.files],
      bytesWritten: this.bytesWritten,
      samples: this.samples,
      durationSeconds: this.samples / GRANULE_RATE,
      startedAt: this.startedAt,
      error: this.error?.message ?? null,
    };
  }

  private get splitting(): boolean {
    return this.options.splitEveryBytes !== undefined || this.splitSamples !== null;
  }

  /** Opens the first file and writes its headers; throws {@link RecordingError} when it cannot. */
  start(): void {
    if (this.status !== 'idle') throw new Error(`the recording was already started (${this.status})`);
    this.startedAt = this.options.clock.now();
    this.current = this.openFile(this.nextPath(), false);
    this.status = 'recording';
  }

  /**
   * Adds one encoded packet holding `samples` samples at 48 kHz (960 for 20 ms). Never throws: a
   * write failure moves the recording to `failed` and is reported, and the show goes on.
   */
  writePacket(packet: Uint8Array, samples = 960): void {
    const file = this.current;
    if (this.status !== 'recording' || !file) return;
    try {
      if (file.pendingSamples >= PAGE_SAMPLES) {
        this.writePages(file, file.stream.flushPage());
        file.pendingSamples = 0;
      }
      const closed = file.stream.addPacket(packet, samples); // non-empty only at the 255-segment limit, before this packet
      if (closed.length > 0) file.pendingSamples = 0;
      this.writePages(file, closed);
      file.pendingSamples += samples;
      file.samples += samples;
      this.samples += samples;
      const bySize = this.options.splitEveryBytes !== undefined && file.bytes >= this.options.splitEveryBytes;
      const byTime = this.splitSamples !== null && file.samples >= this.splitSamples;
      if (bySize || byTime) {
        this.closeFile(file);
        this.current = this.openFile(this.nextPath(), true);
      }
    } catch (error) {
      this.failWith(
        error instanceof RecordingError
          ? error
          : new RecordingError(file.path, `writing failed (${describeError(error)})`, 'Check the disk has space and is writable.'),
      );
    }
  }

  /** Ends the stream (EOS page) and closes the file. */
  stop(): void {
    if (this.status !== 'recording') return;
    const file = this.current;
    try {
      if (file) this.closeFile(file);
      this.status = 'stopped';
    } catch (error) {
      this.failWith(
        error instanceof RecordingError
          ? error
          : new RecordingError(
              file?.path ?? this.options.path,
              `closing failed (${describeError(error)})`,
              'The file is playable up to its last page.',
            ),
      );
    }
    this.current = null;
  }

  private nextPath(): string {
    if (!this.splitting) return this.options.path;
    this.fileNumber += 1;
    const { path } = this.options;
    const extension = extname(path) || '.opus';
    const stem = basename(path, extname(path));
    return join(dirname(path), `${stem}-${String(this.fileNumber).padStart(3, '0')}${extension}`);
  }

  private openFile(path: string, splitting: boolean): OpenFile {
    let fd: number;
    let target = path;
    try {
      mkdirSync(dirname(target), { recursive: true });
    } catch (error) {
      throw new RecordingError(target, `its folder cannot be created (${describeError(error)})`, 'Choose a folder this user may write to.');
    }
    for (;;) {
      try {
        fd = openSync(target, 'wx');
        break;
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        if (code === 'EEXIST' && splitting) {
          // Mid-show a name clash must not end the recording: take the next free number.
          this.log.warn(`${target} exists; skipping to the next file number`);
          target = this.nextPath();
          continue;
        }
        if (code === 'EEXIST')
          throw new RecordingError(
            target,
            'the file already exists',
            'Choose another name or move the old recording away; Steadycast never overwrites one.',
          );
        throw new RecordingError(target, `the file cannot be created (${describeError(error)})`, 'Choose a folder this user may write to.');
      }
    }
    const stream = new OggOpusStream({
      serial: Math.floor((this.options.random ?? Math.random)() * 0x1_0000_0000),
      channels: this.options.channels,
      preSkip: this.options.preSkip,
      inputSampleRate: GRANULE_RATE,
      vendor: 'Steadycast',
      tags: this.options.tags ?? {},
      maxPageSamples: Number.MAX_SAFE_INTEGER, // pages are closed here, see the top of this file
    });
    const file: OpenFile = { path: target, fd, stream, bytes: 0, samples: 0, pendingSamples: 0, released: false };
    this.files.push(target);
    try {
      this.writePages(file, stream.headerPages());
    } catch (error) {
      closeSync(fd);
      throw new RecordingError(target, `writing the headers failed (${describeError(error)})`, 'Check the disk has space and is writable.');
    }
    const at = this.options.clock.now();
    this.log.info(`recording to ${target}`);
    this.options.onEvent?.({ type: 'file-opened', path: target, at });
    return file;
  }

  private writePages(file: OpenFile, pages: Uint8Array[]): void {
    for (const page of pages) {
      let offset = 0;
      while (offset < page.byteLength) offset += writeSync(file.fd, page, offset, page.byteLength - offset);
      file.bytes += page.byteLength;
      this.bytesWritten += page.byteLength;
    }
  }

  /** Writes the end-of-stream page and closes the file; the sync to disk runs in the background. */
  private closeFile(file: OpenFile): void {
    try {
      this.writePages(file, file.stream.end());
    } finally {
      this.release(file);
    }
    this.log.info(`closed ${file.path}: ${(file.samples / GRANULE_RATE).toFixed(2)} s, ${file.bytes} bytes`);
    this.options.onEvent?.({
      type: 'file-closed',
      path: file.path,
      bytes: file.bytes,
      samples: file.samples,
      at: this.options.clock.now(),
    });
  }

  private failWith(error: RecordingError): void {
    if (this.current) this.release(this.current);
    this.current = null;
    this.status = 'failed';
    this.error = error;
    this.log.error(error.message);
    this.options.onEvent?.({ type: 'failed', error, at: this.options.clock.now() });
  }

  private release(file: OpenFile): void {
    if (file.released) return;
    file.released = true;
    releaseFile(file.fd, this.log);
  }
}

/** Syncs to disk (so a power cut after a clean stop keeps the file) and closes, without blocking the engine. */
function releaseFile(fd: number, log: Logger): void {
  fdatasync(fd, (syncError) => {
    if (syncError) log.warn(`syncing a recording to disk failed: ${describeError(syncError)}`);
    close(fd, (closeError) => {
      if (closeError) log.warn(`closing a recording failed: ${describeError(closeError)}`);
    });
  });
}
