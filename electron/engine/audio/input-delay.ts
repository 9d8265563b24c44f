/*
 * How late the window's program frames reach the engine: arrival time minus the capture time the
 * window stamped on each frame (both on this machine's wall clock). Summarised once per window of
 * frames as the median, so one late frame does not swing the figure, and the worst.
 */

/** Frames per summary: one second of 20 ms frames. */
export const INPUT_DELAY_WINDOW = 50;

/** One summary of a window of frames, in ms. */
export interface InputDelaySummary {
  medianMs: number;
  maxMs: number;
}

/** Collects per-frame delays and summarises every {@link INPUT_DELAY_WINDOW} frames. */
export class InputDelayMeter {
  private readonly delays: number[] = [];

  constructor(private readonly windowFrames: number = INPUT_DELAY_WINDOW) {}

  /** Adds one frame's delay; returns a summary when it completes a window, else null. */
  add(delayMs: number): InputDelaySummary | null {
    if (!Number.isFinite(delayMs)) return null;
    this.delays.push(Math.max(0, delayMs));
    if (this.delays.length < this.windowFrames) return null;
    const sorted = this.delays.splice(0).sort((a, b) => a - b);
    return { medianMs: Math.round(sorted[Math.floor(sorted.length / 2)] ?? 0), maxMs: Math.round(sorted.at(-1) ?? 0) };
  }

  /** Forgets a partial window (e.g. when the feed restarts). */
  reset(): void {
    this.delays.length = 0;
  }
}
