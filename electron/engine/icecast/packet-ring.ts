/** One encoded packet kept for catch-up, with when it was pushed. */
export interface RingPacket {
  readonly packet: Uint8Array;
  /** 48 kHz samples the packet decodes to. */
  readonly samples: number;
  readonly at: number;
}

/** A FIFO of packets bounded by audio duration; push and trim are O(1) amortized. */
export class PacketRing {
  private items: RingPacket[] = [];
  private head = 0;
  private totalSamples = 0;
  private totalBytes = 0;

  /** Audio held, in 48 kHz samples. */
  get samples(): number {
    return this.totalSamples;
  }

  /** Encoded bytes held. */
  get bytes(): number {
    return this.totalBytes;
  }

  get length(): number {
    return this.items.length - this.head;
  }

  /** Appends a packet, then drops the oldest until at most `maxSamples` of audio remain. */
  push(item: RingPacket, maxSamples: number): void {
    this.items.push(item);
    this.totalSamples += item.samples;
    this.totalBytes += item.packet.byteLength;
    while (this.totalSamples > maxSamples && this.length > 0) this.shift();
  }

  /** Drops every packet pushed before `at`. */
  dropBefore(at: number): void {
    while (this.length > 0 && (this.items[this.head]?.at ?? at) < at) this.shift();
  }

  /** The packets, oldest first (a copy; the ring is unchanged). */
  toArray(): RingPacket[] {
    return this.items.slice(this.head);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
    this.totalSamples = 0;
    this.totalBytes = 0;
  }

  private shift(): void {
    const item = this.items[this.head];
    if (item === undefined) return;
    this.head += 1;
    this.totalSamples -= item.samples;
    this.totalBytes -= item.packet.byteLength;
    // Compact now and then so the array does not grow without bound.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
