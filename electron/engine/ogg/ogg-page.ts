/*
 * Ogg pages (RFC 3533): the container framing used by every Steadycast output and recording.
 *
 *   0  "OggS"   4  version 0   5  flags (1 continued, 2 first page, 4 last page)
 *   6  granule position, i64 LE   14 serial, u32 LE   18 page sequence, u32 LE
 *  22  CRC-32 (poly 0x04c11db7, not reflected, init 0, computed with this field zeroed)
 *  26  segment count   27  lacing values, then the body
 */

export const OGG_FLAG_CONTINUED = 0x01;
export const OGG_FLAG_FIRST = 0x02;
export const OGG_FLAG_LAST = 0x04;
/** Most lacing values one page can carry. */
export const OGG_MAX_SEGMENTS = 255;

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let index = 0; index < 256; index += 1) {
    let crc = index << 24;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x80000000 ? (crc << 1) ^ 0x04c11db7 : crc << 1;
    table[index] = crc >>> 0;
  }
  return table;
})();

/** The Ogg CRC-32 of `bytes`. */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  for (const byte of bytes) crc = ((crc << 8) ^ (CRC_TABLE[((crc >>> 24) ^ byte) & 0xff] ?? 0)) >>> 0;
  return crc >>> 0;
}

/** Lacing values for one whole packet: 255s then the remainder (a 0 ends a packet of 255·k bytes). */
export function lacingFor(packetLength: number): number[] {
  const values = new Array<number>(Math.floor(packetLength / 255)).fill(255);
  values.push(packetLength % 255);
  return values;
}

/** What one page carries; packets must be whole (Steadycast never splits a packet across pages). */
export interface OggPageInput {
  serial: number;
  sequence: number;
  /** Granule position after the last packet that ends on this page; -1n when none ends here. */
  granule: bigint;
  flags: number;
  packets: readonly Uint8Array[];
}

/** Serializes one page with its CRC. Throws when the packets need more than 255 lacing values. */
export function buildOggPage({ serial, sequence, granule, flags, packets }: OggPageInput): Uint8Array {
  const lacing = packets.flatMap((packet) => lacingFor(packet.byteLength));
  if (lacing.length > OGG_MAX_SEGMENTS)
    throw new RangeError(`an Ogg page holds at most ${OGG_MAX_SEGMENTS} segments, not ${lacing.length}`);
  const bodyLength = packets.reduce((sum, packet) => sum + packet.byteLength, 0);
  const page = new Uint8Array(27 + lacing.length + bodyLength);
  const view = new DataView(page.buffer);
  page.set([0x4f, 0x67, 0x67, 0x53], 0); // "OggS"
  page[4] = 0;
  page[5] = flags;
  view.setBigInt64(6, granule, true);
  view.setUint32(14, serial >>> 0, true);
  view.setUint32(18, sequence >>> 0, true);
  view.setUint32(22, 0, true);
  page[26] = lacing.length;
  page.set(lacing, 27);
  let offset = 27 + lacing.length;
  for (const packet of packets) {
    page.set(packet, offset);
    offset += packet.byteLength;
  }
  view.setUint32(22, oggCrc32(page), true);
  return page;
}

/** One page read back from bytes. */
export interface OggPage {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  /** Packets ending on this page; a packet continued from the previous page is joined to it. */
  packets: Uint8Array[];
  byteLength: number;
}

/** Why bytes are not a valid Ogg stream, with where it went wrong. */
export class OggFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'OggFormatError';
  }
}

/**
 * Parses whole pages from `bytes`, checking every CRC. A truncated last page (a recording cut by a
 * crash) ends the list without an error; `complete` tells whether the bytes ended on a page boundary.
 */
export function readOggPages(bytes: Uint8Array): { pages: OggPage[]; complete: boolean } {
  const pages: OggPage[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let carry: Uint8Array[] = [];
  while (offset < bytes.byteLength) {
    if (bytes.byteLength - offset < 27) return { pages, complete: false };
    if (view.getUint32(offset, false) !== 0x4f676753) throw new OggFormatError('missing "OggS" capture pattern', offset);
    if (bytes[offset + 4] !== 0) throw new OggFormatError('unsupported Ogg version', offset);
    const segments = bytes[offset + 26] ?? 0;
    const headerLength = 27 + segments;
    if (bytes.byteLength - offset < headerLength) return { pages, complete: false };
    const lacing = bytes.subarray(offset + 27, offset + headerLength);
    const bodyLength = lacing.reduce((sum, value) => sum + value, 0);
    const pageLength = headerLength + bodyLength;
    if (bytes.byteLength - offset < pageLength) return { pages, complete: false };

    // A copy (Buffer#slice would alias the input), so zeroing the CRC field leaves the input intact.
    const page = new Uint8Array(bytes.subarray(offset, offset + pageLength));
    const storedCrc = view.getUint32(offset + 22, true);
    new DataView(page.buffer, page.byteOffset, page.byteLength).setUint32(22, 0, true);
    if (oggCrc32(page) !== storedCrc) throw new OggFormatError('page CRC mismatch', offset);

    const packets: Uint8Array[] = [];
    let bodyOffset = offset + headerLength;
    let pending: Uint8Array[] = carry;
    let pendingStart = bodyOffset;
    for (const value of lacing) {
      bodyOffset += value;
      if (value < 255) {
        pending.push(bytes.subarray(pendingStart, bodyOffset));
        packets.push(concat(pending));
        pending = [];
        pendingStart = bodyOffset;
      }
    }
    if (pendingStart < bodyOffset) pending.push(bytes.subarray(pendingStart, bodyOffset));
    carry = pending;

    pages.push({
      flags: bytes[offset + 5] ?? 0,
      granule: view.getBigInt64(offset + 6, true),
      serial: view.getUint32(offset + 14, true),
      sequence: view.getUint32(offset + 18, true),
      packets,
      byteLength: pageLength,
    });
    offset += pageLength;
  }
  return { pages, complete: true };
}

function concat(parts: Uint8Array[]): Uint8Array {
  // Always a plain Uint8Array copy: packets outlive the buffer they were read from.
  if (parts.length === 1 && parts[0]) return new Uint8Array(parts[0]);
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    joined.set(part, offset);
    offset += part.byteLength;
  }
  return joined;
}
