import { buildOggPage, lacingFor, OGG_FLAG_FIRST, OGG_FLAG_LAST, OGG_MAX_SEGMENTS } from './ogg-page';

/*
 * One logical Ogg Opus stream (RFC 7845): OpusHead and OpusTags header pages, then audio pages.
 * Every output connection and every recording file starts its own stream, so a listener who
 * joins after a reconnect gets fresh headers.
 *
 * Granule positions count 48 kHz samples decoded so far, pre-skip included (a player subtracts
 * pre-skip). A page is closed as soon as it holds `maxPageSamples` of audio (100 ms by default),
 * so no listener waits on a half-filled page.
 */

/** How a stream is set up. */
export interface OggOpusStreamOptions {
  /** Ogg serial number; a new random one per stream (pass the random source in tests). */
  serial: number;
  channels: 1 | 2;
  /** Samples (48 kHz) the decoder must drop at the start: the encoder's lookahead. */
  preSkip: number;
  /** Rate of the original input, informational (players may show it). */
  inputSampleRate?: number;
  vendor?: string;
  /** Vorbis-comment tags, e.g. TITLE, ARTIST. */
  tags?: Readonly<Record<string, string>>;
  /** Longest audio a page may hold before it is closed; default 4800 (100 ms). */
  maxPageSamples?: number;
}

/** The OpusHead identification header for mapping family 0 (mono or stereo). */
export function opusHead(channels: 1 | 2, preSkip: number, inputSampleRate: number): Uint8Array {
  const head = new Uint8Array(19);
  const view = new DataView(head.buffer);
  head.set(new TextEncoder().encode('OpusHead'), 0);
  head[8] = 1; // version
  head[9] = channels;
  view.setUint16(10, preSkip, true);
  view.setUint32(12, inputSampleRate, true);
  view.setInt16(16, 0, true); // output gain
  head[18] = 0; // channel mapping family 0
  return head;
}

/** The OpusTags comment header. */
export function opusTags(vendor: string, tags: Readonly<Record<string, string>>): Uint8Array {
  const encoder = new TextEncoder();
  const vendorBytes = encoder.encode(vendor);
  const comments = Object.entries(tags).map(([key, value]) => encoder.encode(`${key.replace(/[=~]/g, '_')}=${value}`));
  const length = 8 + 4 + vendorBytes.byteLength + 4 + comments.reduce((sum, comment) => sum + 4 + comment.byteLength, 0);
  const packet = new Uint8Array(length);
  const view = new DataView(packet.buffer);
  packet.set(encoder.encode('OpusTags'), 0);
  let offset = 8;
  view.setUint32(offset, vendorBytes.byteLength, true);
  packet.set(vendorBytes, offset + 4);
  offset += 4 + vendorBytes.byteLength;
  view.setUint32(offset, comments.length, true);
  offset += 4;
  for (const comment of comments) {
    view.setUint32(offset, comment.byteLength, true);
    packet.set(comment, offset + 4);
    offset += 4 + comment.byteLength;
  }
  return packet;
}

/** Writes one Ogg Opus stream as pages; pure (no I/O), so outputs and recordings share it. */
export class OggOpusStream {
  readonly serial: number;
  private sequence = 0;
  private granule = 0n;
  private pending: Uint8Array[] = [];
  private pendingSegments = 0;
  private pendingSamples = 0;
  private ended = false;
  private readonly maxPageSamples: number;

  constructor(private readonly options: OggOpusStreamOptions) {
    if (!Number.isInteger(options.preSkip) || options.preSkip < 0 || options.preSkip > 0xffff) {
      throw new RangeError(`pre-skip must be 0–65535 samples, not ${options.preSkip}`);
    }
    this.serial = options.serial >>> 0;
    this.maxPageSamples = options.maxPageSamples ?? 4800;
  }

  /** Samples (48 kHz, pre-skip included) written so far. */
  get granulePosition(): bigint {
    return this.granule + BigInt(this.pendingSamples);
  }

  /** The two header pages; call once, before any audio. */
  headerPages(): Uint8Array[] {
    if (this.sequence !== 0) throw new Error('header pages were already written for this stream');
    const { channels, preSkip, inputSampleRate = 48_000, vendor = 'Steadycast', tags = {} } = this.options;
    return [this.page([opusHead(channels, preSkip, inputSampleRate)], OGG_FLAG_FIRST, 0n), this.page([opusTags(vendor, tags)], 0, 0n)];
  }

  /**
   * Adds one Opus packet holding `samples` samples (48 kHz) and returns the pages it completed:
   * none, or one when the page reached its duration or segment limit.
   */
  addPacket(packet: Uint8Array, samples: number): Uint8Array[] {
    if (this.ended) throw new Error('cannot add audio after the end of the stream');
    if (this.sequence === 0) throw new Error('write the header pages before audio');
    const segments = lacingFor(packet.byteLength).length;
    const pages: Uint8Array[] = [];
    if (this.pendingSegments + segments > OGG_MAX_SEGMENTS) pages.push(this.flush(0));
    this.pending.push(packet);
    this.pendingSegments += segments;
    this.pendingSamples += samples;
    if (this.pendingSamples >= this.maxPageSamples) pages.push(this.flush(0));
    return pages;
  }

  /** Closes the current page now (e.g. before a clean stop or on a timer); empty when nothing is pending. */
  flushPage(): Uint8Array[] {
    return this.pending.length > 0 ? [this.flush(0)] : [];
  }

  /** Ends the stream: the last page carries the end-of-stream flag. */
  end(): Uint8Array[] {
    if (this.ended) return [];
    this.ended = true;
    // With nothing pending, an empty page still marks the end (RFC 3533 allows a page without packets).
    return [this.flush(OGG_FLAG_LAST)];
  }

  private flush(flags: number): Uint8Array {
    this.granule += BigInt(this.pendingSamples);
    // A page on which no packet ends carries granule -1 (RFC 3533); a positive one would confuse players.
    const page = this.page(this.pending, flags, this.pending.length > 0 ? this.granule : -1n);
    this.pending = [];
    this.pendingSegments = 0;
    this.pendingSamples = 0;
    return page;
  }

  private page(packets: readonly Uint8Array[], flags: number, granule: bigint): Uint8Array {
    return buildOggPage({ serial: this.serial, sequence: this.sequence++, granule, flags, packets });
  }
}
