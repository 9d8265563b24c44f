/**
 * Lets one log line of a kind through per interval and counts the rest, so a peer that repeats a
 * mistake thousands of times a second (a wrong token, a refused upgrade) cannot flood the log.
 */
export class LogThrottle {
  private lastAt = -Infinity;
  private suppressed = 0;

  constructor(
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Whether to log this occurrence; when yes, `suppressed` is how many were held back since the
   * last line (add it to the line so the count is not lost).
   */
  take(): { log: true; suppressed: number } | { log: false } {
    const now = this.now();
    if (now - this.lastAt < this.intervalMs) {
      this.suppressed += 1;
      return { log: false };
    }
    this.lastAt = now;
    const suppressed = this.suppressed;
    this.suppressed = 0;
    return { log: true, suppressed };
  }
}

/** " (N more like it not logged)" for a throttled line, or '' when none were held back. */
export function suppressedNote(suppressed: number): string {
  return suppressed > 0 ? ` (and ${suppressed} more like it since the last such line, not logged)` : '';
}
