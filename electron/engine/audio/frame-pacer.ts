import type { Clock } from '../clock';
import type { Logger } from '../log/logger';
import { FRAME_MS } from './audio-frame';

/** How a pacer is set up. */
export interface FramePacerOptions {
  clock: Clock;
  /** Called once per due frame with its index (0, 1, 2 …), in order. */
  onFrame: (index: number) => void;
  /**
   * Most frames emitted at once to catch up after the process was late (default 250 = 5 s).
   * Beyond that the overdue frames are dropped and the schedule restarts from now, so a machine
   * waking from sleep does not flood the encoder with minutes of audio.
   */
  maxCatchUpFrames?: number;
  log?: Logger;
}

/**
 * Calls `onFrame` in real time, one frame every 20 ms, scheduled by absolute time: frame k is due
 * at start + k × 20 ms, so timer jitter never accumulates into drift, and a late wake-up emits
 * every frame that has fallen due.
 */
export class FramePacer {
  private startedAt = 0;
  private next = 0;
  private timer: unknown = null;
  private running = false;
  private readonly maxCatchUpFrames: number;

  constructor(private readonly options: FramePacerOptions) {
    this.maxCatchUpFrames = options.maxCatchUpFrames ?? 250;
  }

  /** Starts the schedule; frame 0 is due at once. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.startedAt = this.options.clock.now();
    this.next = 0;
    this.tick();
  }

  /** Stops the schedule; no frame is emitted after this returns, even from inside `onFrame`. */
  stop(): void {
    this.running = false;
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  private dueAt(index: number): number {
    return this.startedAt + index * FRAME_MS;
  }

  private tick(): void {
    this.timer = null;
    const now = this.options.clock.now();
    const due = Math.floor((now - this.startedAt) / FRAME_MS) + 1; // frames due by now: 0 … due-1
    if (due - this.next > this.maxCatchUpFrames) {
      const skipped = due - this.next - this.maxCatchUpFrames;
      this.options.log?.warn(`audio clock was ${((due - this.next) * FRAME_MS) / 1000} s late; dropped ${skipped} overdue frames`);
      // Keep frame numbering continuous; move the schedule's origin instead.
      this.startedAt += skipped * FRAME_MS;
    }
    while (this.running && this.dueAt(this.next) <= now) {
      const index = this.next;
      this.next += 1;
      this.options.onFrame(index);
    }
    if (!this.running) return;
    this.timer = this.options.clock.setTimeout(() => this.tick(), Math.max(0, this.dueAt(this.next) - this.options.clock.now()));
  }
}
