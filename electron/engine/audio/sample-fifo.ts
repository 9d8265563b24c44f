/** A growable first-in-first-out queue of float samples, used to cut arbitrary blocks into exact frames. */
export class SampleFifo {
  private buffer: Float32Array;
  private start = 0;
  private end = 0;

  constructor(initialCapacity = 8192) {
    this.buffer = new Float32Array(initialCapacity);
  }

  /** Samples queued. */
  get length(): number {
    return this.end - this.start;
  }

  /** Appends samples (copied). */
  push(samples: Float32Array): void {
    if (this.end + samples.length > this.buffer.length) {
      const queued = this.length;
      if (queued + samples.length <= this.buffer.length / 2) {
        this.buffer.copyWithin(0, this.start, this.end); // enough room once compacted
      } else {
        const grown = new Float32Array(Math.max((queued + samples.length) * 2, this.buffer.length));
        grown.set(this.buffer.subarray(this.start, this.end));
        this.buffer = grown;
      }
      this.start = 0;
      this.end = queued;
    }
    this.buffer.set(samples, this.end);
    this.end += samples.length;
  }

  /** Removes and returns the first `count` samples; `count` must not exceed {@link length}. */
  shift(count: number): Float32Array {
    if (count > this.length) throw new RangeError(`asked for ${count} samples, ${this.length} queued`);
    const out = this.buffer.slice(this.start, this.start + count);
    this.start += count;
    if (this.start === this.end) this.start = this.end = 0;
    return out;
  }

  /** Drops samples from the end so at most `count` remain. */
  truncate(count: number): void {
    if (count < this.length) this.end = this.start + count;
  }

  /** Empties the queue. */
  clear(): void {
    this.start = this.end = 0;
  }
}
