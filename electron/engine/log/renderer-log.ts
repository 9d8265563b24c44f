import type { RendererErrorReport } from '../../shared/contract';
import type { Clock } from '../clock';
import { createLogger, type Logger } from './logger';

/** Error lines the windows may write at once before the limit applies. */
export const RENDERER_LOG_BURST = 10;
/** After a burst, one more line per this long (so at most 10 a minute for as long as errors keep coming). */
export const RENDERER_LOG_REFILL_MS = 6_000;
/** Longest line written (the log's own limit for a line a UI shows). */
const MAX_LINE = 2000;

const LEADS: Record<RendererErrorReport['kind'], string> = {
  render: 'the window stopped drawing',
  uncaught: 'uncaught error in the window',
  'unhandled-rejection': 'unhandled promise rejection in the window',
};

/** Control characters (and Unicode line breaks) would split a line or forge another: they become spaces. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f\u2028\u2029]+/g;

/**
 * Writes the windows' unexpected errors to the log (scope `renderer`, level error) through a token
 * bucket: {@link RENDERER_LOG_BURST} lines at once, then one per {@link RENDERER_LOG_REFILL_MS}.
 * A window stuck in an error loop thus cannot flood the log; what is left out is counted and
 * said once it may write again. One bucket for all windows of the engine.
 */
export class RendererLog {
  private tokens = RENDERER_LOG_BURST;
  private refilledAt: number;
  private dropped = 0;
  private readonly log: Logger;

  constructor(private readonly options: { clock: Pick<Clock, 'now'>; logger?: Logger }) {
    this.log = options.logger ?? createLogger('renderer', () => options.clock.now());
    this.refilledAt = options.clock.now();
  }

  /** Writes one report, unless over the limit; says which. */
  write(report: RendererErrorReport): { written: boolean } {
    this.refill();
    if (this.tokens < 1) {
      if (this.dropped === 0)
        this.log.warn(
          `the window reports unexpected errors faster than ${RENDERER_LOG_BURST} a minute: further ones are left out of the log for now`,
        );
      this.dropped += 1;
      return { written: false };
    }
    this.tokens -= 1;
    if (this.dropped > 0) {
      this.log.warn(
        `${this.dropped} unexpected error${this.dropped === 1 ? ' of the window was' : 's of the window were'} left out of the log`,
      );
      this.dropped = 0;
    }
    this.log.error(formatReport(report));
    return { written: true };
  }

  private refill(): void {
    const now = this.options.clock.now();
    if (this.tokens >= RENDERER_LOG_BURST) {
      this.refilledAt = now;
      return;
    }
    const gained = Math.floor((now - this.refilledAt) / RENDERER_LOG_REFILL_MS);
    if (gained <= 0) return;
    this.tokens = Math.min(RENDERER_LOG_BURST, this.tokens + gained);
    this.refilledAt += gained * RENDERER_LOG_REFILL_MS;
  }
}

/** One log line for a report: what happened, the message, where. */
export function formatReport(report: RendererErrorReport): string {
  const clean = (text: string): string => text.replace(CONTROL, ' ').trim();
  const where = report.where === undefined ? '' : clean(report.where);
  const line = `${LEADS[report.kind]}: ${clean(report.message)}${where === '' ? '' : ` (at ${where})`}`;
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line;
}
