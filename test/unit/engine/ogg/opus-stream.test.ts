import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OggOpusStream, opusHead } from '../../../../electron/engine/ogg/ogg-opus-stream';
import {
  buildOggPage,
  OGG_FLAG_FIRST,
  OGG_FLAG_LAST,
  OggFormatError,
  oggCrc32,
  readOggPages,
} from '../../../../electron/engine/ogg/ogg-page';
import { opusPacketSamples } from '../../../../electron/engine/ogg/opus-packet';
import { ensureFixtures } from '../../../env/fixtures';

const run = promisify(execFile);
let dir: string;
/** Real Opus packets from libopus (opusenc), 20 ms each, with the encoder's pre-skip. */
let packets: Uint8Array[];
let preSkip: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-ogg-'));
  const { toneWav } = await ensureFixtures();
  const source = join(dir, 'source.opus');
  await run('opusenc', ['--quiet', '--bitrate', '64', '--framesize', '20', toneWav, source]);
  const { pages } = readOggPages(new Uint8Array(await readFile(source)));
  const head = pages[0]?.packets[0];
  if (!head) throw new Error('opusenc wrote no OpusHead');
  preSkip = new DataView(head.buffer, head.byteOffset).getUint16(10, true);
  packets = pages.slice(2).flatMap((page) => page.packets);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes a whole stream with our writer, as an output or recording would. */
function writeStream(options: { serial?: number; packetCount?: number } = {}): Uint8Array[] {
  const stream = new OggOpusStream({ serial: options.serial ?? 0x5eed, channels: 1, preSkip, tags: { TITLE: 'Launch night' } });
  const pages = stream.headerPages();
  for (const packet of packets.slice(0, options.packetCount ?? packets.length))
    pages.push(...stream.addPacket(packet, opusPacketSamples(packet)));
  pages.push(...stream.end());
  return pages;
}

describe('Ogg Opus stream', () => {
  it('writes a stream that opusinfo accepts without errors and opusdec decodes to the full length', async () => {
    const file = join(dir, 'ours.opus');
    await writeFile(file, Buffer.concat(writeStream()));
    const info = await run('opusinfo', [file]);
    expect(info.stdout + info.stderr).not.toMatch(/WARNING|ERROR/i);
    expect(info.stdout).toMatch(/TITLE=Launch night/);
    expect(info.stdout).toMatch(/Pre-skip: \d+/);

    const wav = join(dir, 'ours.wav');
    await run('opusdec', ['--quiet', '--rate', '48000', file, wav]);
    const decodedSamples = ((await readFile(wav)).byteLength - 44) / 2;
    const encodedSamples = packets.reduce((sum, packet) => sum + opusPacketSamples(packet), 0);
    // opusdec drops the pre-skip; everything else comes out.
    expect(Math.abs(decodedSamples - (encodedSamples - preSkip))).toBeLessThanOrEqual(960);
  });

  it('closes a page every 100 ms of audio, so listeners are never held back longer', () => {
    const pages = writeStream({ packetCount: 52 }).map((page) => readOggPages(page).pages[0]);
    const audio = pages.slice(2);
    // 52 packets of 20 ms: ten full pages of five packets, then the end page with the last two.
    expect(audio.map((page) => page?.packets.length)).toEqual([5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 2]);
    expect(audio.map((page) => page?.granule)).toEqual([
      ...Array.from({ length: 10 }, (_, index) => BigInt((index + 1) * 4800)),
      52n * 960n,
    ]);
  });

  it('marks the first and last pages and numbers pages without gaps under one serial', () => {
    const parsed = readOggPages(Buffer.concat(writeStream({ serial: 1234, packetCount: 12 })));
    expect(parsed.complete).toBe(true);
    const { pages } = parsed;
    expect(pages[0]?.flags).toBe(OGG_FLAG_FIRST);
    expect(pages.at(-1)?.flags).toBe(OGG_FLAG_LAST);
    expect(pages.every((page) => page.serial === 1234)).toBe(true);
    expect(pages.map((page) => page.sequence)).toEqual(pages.map((_, index) => index));
    expect(pages[0]?.packets[0]).toEqual(opusHead(1, preSkip, 48_000));
    expect(new TextDecoder().decode(pages[1]?.packets[0]?.subarray(0, 8))).toBe('OpusTags');
  });

  it('ends with an empty end-of-stream page when nothing is pending, which opusinfo accepts', async () => {
    const stream = new OggOpusStream({ serial: 7, channels: 2, preSkip: 312 });
    stream.headerPages();
    for (let index = 0; index < 5; index += 1) stream.addPacket(packets[index] ?? new Uint8Array([0]), 960);
    const [last] = stream.end();
    const page = last ? readOggPages(last).pages[0] : undefined;
    expect(page).toMatchObject({ flags: OGG_FLAG_LAST, granule: -1n, packets: [] });
    expect(stream.end()).toEqual([]);
    const file = join(dir, 'empty-end.opus');
    const whole = new OggOpusStream({ serial: 8, channels: 1, preSkip });
    const pages = whole.headerPages();
    for (const packet of packets.slice(0, 10)) pages.push(...whole.addPacket(packet, 960));
    pages.push(...whole.end());
    await writeFile(file, Buffer.concat(pages));
    const info = await run('opusinfo', [file]);
    expect(info.stdout + info.stderr).not.toMatch(/WARNING|ERROR/i);
    expect(() => stream.addPacket(new Uint8Array([1]), 960)).toThrow(/after the end/);
  });

  it('closes a page early rather than exceed 255 lacing values', () => {
    const stream = new OggOpusStream({ serial: 9, channels: 1, preSkip: 0, maxPageSamples: 1_000_000 });
    stream.headerPages();
    const big = new Uint8Array(1000).fill(0x78); // 4 lacing values each
    const flushed: Uint8Array[] = [];
    for (let index = 0; index < 70; index += 1) flushed.push(...stream.addPacket(big, 960));
    expect(flushed).toHaveLength(1);
    expect(readOggPages(flushed[0] ?? new Uint8Array()).pages[0]?.packets).toHaveLength(63);
  });

  it('reads back multi-segment packets and stops quietly at a truncated page', () => {
    const big = new Uint8Array(600).map((_, index) => index % 251);
    const page = buildOggPage({ serial: 1, sequence: 0, granule: 960n, flags: 0, packets: [big, new Uint8Array([1, 2, 3])] });
    const parsed = readOggPages(page);
    expect(parsed.pages[0]?.packets).toEqual([big, new Uint8Array([1, 2, 3])]);
    const truncated = readOggPages(Buffer.concat([page, page.subarray(0, 40)]));
    expect(truncated).toMatchObject({ complete: false });
    expect(truncated.pages).toHaveLength(1);
  });

  it('rejects a corrupted page by its CRC', () => {
    const page = buildOggPage({ serial: 1, sequence: 0, granule: 0n, flags: 0, packets: [new Uint8Array([1, 2, 3])] });
    page[page.length - 1] = (page.at(-1) ?? 0) ^ 0xff;
    expect(() => readOggPages(page)).toThrow(OggFormatError);
  });

  it('computes the Ogg CRC of the reference check value', () => {
    // CRC-32/MPEG-2 style without final xor: the Ogg polynomial on "123456789" with init 0.
    expect(oggCrc32(new TextEncoder().encode('123456789')).toString(16)).toBe('89a1897f');
  });

  it('reads packet durations from the TOC byte', () => {
    expect(opusPacketSamples(new Uint8Array([(31 << 3) | 0]))).toBe(960); // CELT 20 ms, one frame
    expect(opusPacketSamples(new Uint8Array([(1 << 3) | 1]))).toBe(1920); // SILK 20 ms, two frames
    expect(opusPacketSamples(new Uint8Array([(16 << 3) | 3, 4]))).toBe(480); // CELT 2.5 ms × 4
    expect(packets.every((packet) => opusPacketSamples(packet) === 960)).toBe(true);
  });
});
