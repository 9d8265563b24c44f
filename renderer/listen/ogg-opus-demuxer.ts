/*
 * Incremental Ogg Opus demuxer for the listen page: bytes in as they arrive from the network,
 * whole Opus packets out. A new OpusHead (Icecast's fallback-mount switch sends a new logical
 * stream on the same connection: chained Ogg) is reported so the page starts a fresh decoder.
 * Garbage before a page (a connection that starts mid-page) is skipped up to the next "OggS".
 */

/** What an OpusHead says (RFC 7845 §5.1). */
export interface OpusHead {
  readonly channels: number;
  readonly preSkip: number;
  readonly inputSampleRate: number;
  /** 0 = mono/stereo; 1 = up to 8 channels with a mapping table. */
  readonly mappingFamily: number;
  readonly streamCount: number;
  readonly coupledStreamCount: number;
  readonly channelMapping: readonly number[];
  /** The whole header packet (WebCodecs wants it as the decoder's description). */
  readonly bytes: Uint8Array;
}

/** One thing the demuxer found. */
export type OggOpusEvent =
  | { readonly kind: 'head'; readonly serial: number; readonly head: OpusHead }
  | { readonly kind: 'audio'; readonly serial: number; readonly packet: Uint8Array };

const CAPTURE = [0x4f, 0x67, 0x67, 0x53];
const HEADER_BYTES = 27;
/** A page is at most 27 + 255 + 255·255 bytes; more buffered than this without a page means garbage. */
const MAX_PAGE_BYTES = HEADER_BYTES + 255 + 255 * 255;

function startsWith(bytes: Uint8Array, text: string): boolean {
  if (bytes.byteLength < text.length) return false;
  for (let i = 0; i < text.length; i += 1) if (bytes[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** Parses an OpusHead packet; null when it is not one. */
export function parseOpusHead(packet: Uint8Array): OpusHead | null {
  if (!startsWith(packet, 'OpusHead') || packet.byteLength < 19) return null;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  const channels = view.getUint8(9);
  const mappingFamily = view.getUint8(18);
  let streamCount = 1;
  let coupledStreamCount = channels === 2 ? 1 : 0;
  let channelMapping = channels === 2 ? [0, 1] : [0];
  if (mappingFamily !== 0) {
    if (packet.byteLength < 21 + channels) return null;
    streamCount = view.getUint8(19);
    coupledStreamCount = view.getUint8(20);
    channelMapping = Array.from(packet.subarray(21, 21 + channels));
  }
  return {
    channels,
    preSkip: view.getUint16(10, true),
    inputSampleRate: view.getUint32(12, true),
    mappingFamily,
    streamCount,
    coupledStreamCount,
    channelMapping,
    bytes: packet.slice(),
  };
}

/** Samples at 48 kHz in one Opus packet, from its TOC byte (RFC 6716 §3.1); 0 for an empty or malformed packet. */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) return 0;
  const config = toc >> 3;
  const frameSamples =
    config < 12 ? [480, 960, 1920, 2880][config & 3] : config < 16 ? [480, 960][config & 1] : [120, 240, 480, 960][config & 3];
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 1 || code === 2 ? 2 : (packet[1] ?? 0) & 0x3f;
  return (frameSamples ?? 0) * frames;
}

/** Feeds network bytes, returns the packets they complete. */
export class OggOpusDemuxer {
  private buffer = new Uint8Array(0);
  /** A packet continued on the next page, per logical stream. */
  private readonly partial = new Map<number, Uint8Array[]>();
  /** Streams whose OpusHead was seen: their packets are audio after the OpusTags. */
  private readonly opus = new Set<number>();
  private readonly tagsSeen = new Set<number>();

  push(bytes: Uint8Array): OggOpusEvent[] {
    const joined = new Uint8Array(this.buffer.byteLength + bytes.byteLength);
    joined.set(this.buffer, 0);
    joined.set(bytes, this.buffer.byteLength);
    this.buffer = joined;
    const events: OggOpusEvent[] = [];
    let offset = 0;
    for (;;) {
      const start = this.findCapture(offset);
      if (start < 0) {
        // Keep the last 3 bytes: they may be the start of a capture pattern.
        offset = Math.max(offset, this.buffer.byteLength - 3);
        break;
      }
      offset = start;
      if (this.buffer.byteLength - start < HEADER_BYTES) break;
      const segments = this.buffer[start + 26] ?? 0;
      if (this.buffer.byteLength - start < HEADER_BYTES + segments) break;
      const lacing = this.buffer.subarray(start + HEADER_BYTES, start + HEADER_BYTES + segments);
      const bodyLength = lacing.reduce((sum, value) => sum + value, 0);
      const end = start + HEADER_BYTES + segments + bodyLength;
      if (this.buffer.byteLength < end) break;
      this.readPage(this.buffer.subarray(start, end), lacing, events);
      offset = end;
    }
    this.buffer = this.buffer.slice(offset);
    if (this.buffer.byteLength > MAX_PAGE_BYTES) this.buffer = this.buffer.slice(this.buffer.byteLength - 3);
    return events;
  }

  private findCapture(from: number): number {
    const bytes = this.buffer;
    for (let i = from; i + 4 <= bytes.byteLength; i += 1) {
      if (bytes[i] === CAPTURE[0] && bytes[i + 1] === CAPTURE[1] && bytes[i + 2] === CAPTURE[2] && bytes[i + 3] === CAPTURE[3]) return i;
    }
    return -1;
  }

  private readPage(page: Uint8Array, lacing: Uint8Array, events: OggOpusEvent[]): void {
    const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
    const flags = view.getUint8(5);
    const serial = view.getUint32(14, true);
    // A beginning-of-stream page starts a logical stream afresh (chained Ogg reuses serials sometimes).
    if (flags & 0x02) {
      this.opus.delete(serial);
      this.tagsSeen.delete(serial);
      this.partial.delete(serial);
    }
    // A page that continues a packet we never saw the start of: drop the fragment.
    let pieces = flags & 0x01 ? (this.partial.get(serial) ?? null) : [];
    this.partial.delete(serial);
    let position = HEADER_BYTES + lacing.byteLength;
    for (const value of lacing) {
      const piece = page.subarray(position, position + value);
      position += value;
      if (pieces !== null) pieces.push(piece);
      if (value === 255) continue;
      if (pieces !== null) this.packet(serial, concat(pieces), events);
      pieces = [];
    }
    if (pieces !== null && pieces.length > 0)
      this.partial.set(
        serial,
        pieces.map((piece) => piece.slice()),
      );
  }

  private packet(serial: number, packet: Uint8Array, events: OggOpusEvent[]): void {
    const head = parseOpusHead(packet);
    if (head !== null) {
      this.opus.add(serial);
      this.tagsSeen.delete(serial);
      events.push({ kind: 'head', serial, head });
      return;
    }
    if (!this.opus.has(serial)) return;
    if (!this.tagsSeen.has(serial)) {
      if (startsWith(packet, 'OpusTags')) this.tagsSeen.add(serial);
      return;
    }
    if (packet.byteLength > 0) events.push({ kind: 'audio', serial, packet });
  }
}

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  if (pieces.length === 1 && pieces[0] !== undefined) return pieces[0].slice();
  const total = pieces.reduce((sum, piece) => sum + piece.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.byteLength;
  }
  return out;
}
