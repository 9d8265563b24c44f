/*
 * A real Icecast source for tests and benchmarks that must not depend on the broadcast engine:
 * an Ogg Opus file (the fixture tone, encoded once with opusenc) sent to a mount with HTTP PUT,
 * paced at real time by the pages' granule positions, looped as a chained Ogg stream.
 *
 * Icecast wants exactly `Content-Type: audio/ogg`, a raw (not chunked) body and Basic auth, so the
 * request is written by hand on a TCP socket. A clean close frees the mount at once.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureFixtures, GENERATED_FIXTURES_DIR } from './fixtures';
import { oggCrc32 } from '../../electron/engine/ogg/ogg-page';

const execFileAsync = promisify(execFile);

/** Two minutes of the fixture tone as Ogg Opus, 16 kbit/s, ≤ 100 ms per page (loops seamlessly enough for counting). */
export const TONE_OPUS = join(GENERATED_FIXTURES_DIR, 'tone-440-48k-120s.opus');

/** Generates {@link TONE_OPUS} from the fixture tone if missing (needs sox and opusenc); returns its path. */
export async function ensureOpusFixture(): Promise<string> {
  if (existsSync(TONE_OPUS)) return TONE_OPUS;
  const { toneWav } = await ensureFixtures();
  const longWav = `${TONE_OPUS}.${process.pid}.wav`;
  const tmp = `${TONE_OPUS}.${process.pid}.tmp`;
  try {
    await execFileAsync('sox', [toneWav, longWav, 'repeat', '23']);
    await execFileAsync('opusenc', ['--quiet', '--bitrate', '16', '--max-delay', '100', '--serial', '1', longWav, tmp]);
    renameSync(tmp, TONE_OPUS);
  } finally {
    rmSync(longWav, { force: true });
    rmSync(tmp, { force: true });
  }
  return TONE_OPUS;
}

/** Where and how an {@link OggSource} connects. */
export interface OggSourceOptions {
  /** Mount URL, e.g. `http://198.18.0.1:8000/live.opus` (credentials in it are ignored; pass `password`). */
  readonly mountUrl: string;
  readonly password: string;
  /** Default `source`. */
  readonly user?: string;
  /** Ogg Opus file to send (default: {@link ensureOpusFixture}'s). */
  readonly file?: string;
  /** Seconds of audio sent ahead of real time (default 0.5), like an encoder's small buffer. */
  readonly leadSeconds?: number;
  /** How long to wait for Icecast to accept the source (default 5 s). */
  readonly acceptTimeoutMs?: number;
}

/** A source connected to a mount and streaming. */
export interface OggSource {
  /** The mount path, e.g. `/live.opus`. */
  readonly mount: string;
  /** Resolves when the connection ends for any reason, with the reason. */
  readonly ended: Promise<string>;
  /** Closes the connection cleanly (the mount is freed at once). */
  stop(): Promise<void>;
}

/** A source Icecast refused, with its answer. */
export class OggSourceRefusedError extends Error {
  override readonly name = 'OggSourceRefusedError';
  constructor(
    readonly mount: string,
    readonly statusLine: string,
  ) {
    super(`Icecast refused the source for ${mount}: "${statusLine}". Check the source password and that no other source holds the mount.`);
  }
}

interface OggPage {
  readonly bytes: Buffer;
  /** Seconds from the start of the file (granule position / 48 kHz); 0 for header pages. */
  readonly at: number;
}

/** Connects a paced Ogg Opus source to a mount; resolves once Icecast answered 200. */
export async function startOggSource(options: OggSourceOptions): Promise<OggSource> {
  const { password, user = 'source', leadSeconds = 0.5, acceptTimeoutMs = 5_000 } = options;
  const url = new URL(options.mountUrl);
  const mount = url.pathname;
  const pages = splitPages(readFileSync(options.file ?? (await ensureOpusFixture())));
  const fileSeconds = pages.reduce((latest, page) => Math.max(latest, page.at), 0);

  const socket = connect({ host: url.hostname, port: Number(url.port || 80) });
  socket.setNoDelay(true);
  const ended = new Promise<string>((resolve) => {
    socket.once('close', () => resolve('closed'));
    socket.once('error', (error) => resolve(error.message));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const auth = Buffer.from(`${user}:${password}`).toString('base64');
  socket.write(
    `PUT ${mount} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Basic ${auth}\r\nUser-Agent: steadycast-test-source\r\n` +
      `Content-Type: audio/ogg\r\nIce-Public: 0\r\nIce-Name: Steadycast test tone\r\n\r\n`,
  );
  await acceptance(socket, mount, acceptTimeoutMs);

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const started = performance.now();
  let loop = 0;
  let index = 0;
  let loopPages = pages;
  const pump = (): void => {
    if (stopped || socket.destroyed) return;
    const elapsed = (performance.now() - started) / 1000;
    for (;;) {
      if (index >= loopPages.length) {
        // Next link of a chained Ogg stream: same pages under a new serial number.
        loop += 1;
        index = 0;
        loopPages = pages.map((page) => ({ at: page.at, bytes: withSerial(page.bytes, 1 + loop) }));
      }
      const page = loopPages[index];
      if (page === undefined || loop * fileSeconds + page.at > elapsed + leadSeconds) break;
      socket.write(page.bytes);
      index += 1;
    }
    timer = setTimeout(pump, 20);
  };
  pump();

  return {
    mount,
    ended,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      if (socket.destroyed) return;
      socket.end();
      const closed = await Promise.race([ended.then(() => true), delay(2_000).then(() => false)]);
      if (!closed) socket.destroy();
    },
  };
}

/** Waits for Icecast's answer to the PUT headers: `HTTP/1.x 200` accepts the source. */
function acceptance(socket: Socket, mount: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let head = '';
    const timer = setTimeout(
      () => fail(new Error(`Icecast did not answer the source request for ${mount} within ${timeoutMs} ms.`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      const statusLine = head.slice(0, head.indexOf('\r\n'));
      if (/^HTTP\/1\.[01] 200\b/.test(statusLine)) done();
      else fail(new OggSourceRefusedError(mount, statusLine));
    };
    const onClose = (): void => fail(new OggSourceRefusedError(mount, head.split('\r\n')[0] || 'connection closed without an answer'));
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
    };
    const done = (): void => {
      cleanup();
      socket.resume(); // Icecast sends nothing more; keep reading so the socket never stalls.
      resolve();
    };
    const fail = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    socket.on('data', onData);
    socket.once('close', onClose);
  });
}

/** Splits an Ogg file into pages with their time (granule position of Opus at 48 kHz). */
export function splitPages(file: Buffer): OggPage[] {
  const pages: OggPage[] = [];
  let offset = 0;
  while (offset + 27 <= file.length) {
    if (file.toString('latin1', offset, offset + 4) !== 'OggS') throw new Error(`not an Ogg page at byte ${offset}`);
    const segments = file[offset + 26] ?? 0;
    let bodyLength = 0;
    for (let i = 0; i < segments; i += 1) bodyLength += file[offset + 27 + i] ?? 0;
    const length = 27 + segments + bodyLength;
    const granule = file.readBigInt64LE(offset + 6);
    pages.push({ bytes: file.subarray(offset, offset + length), at: granule > 0n ? Number(granule) / 48_000 : 0 });
    offset += length;
  }
  return pages;
}

/** A copy of an Ogg page with another bitstream serial number and its CRC recomputed. */
function withSerial(page: Buffer, serial: number): Buffer {
  const copy = Buffer.from(page);
  copy.writeUInt32LE(serial >>> 0, 14);
  copy.writeUInt32LE(0, 22);
  copy.writeUInt32LE(oggCrc32(copy), 22);
  return copy;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
