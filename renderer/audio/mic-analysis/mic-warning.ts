import type { MicReport } from '../../../electron/shared/mic-report';
import { isClippedPeak, MIC_CLIPPING_PEAK_DBFS, MIC_LEVEL_WORDS } from '../mic-level-verdict';

/*
 * The speaker's own warning, from their last few seconds of microphone reports: said to them
 * first, before a producer has to act. Plain words, with what to do.
 *
 * Hysteresis in time, from the reports alone (no state kept between calls):
 *   - a condition raises its warning once it has held through a whole "raise" span (noise, music
 *     and typing 3 s, echo 2 s, clipping: 3 clipped reports within 2 s);
 *   - a raised warning stays up for HOLD_MS after the last moment its condition still held over a
 *     whole span, so a word spoken over the fan or a brief quiet moment in the echo does not make
 *     it blink off and on.
 * "Held through a span": the span is covered by reports, its first and last reports show the
 * condition, and so do at least 80 % of those between (a pause or one misjudged window is allowed).
 * Clipping comes in bursts instead: 3 clipped reports within 2 s.
 *
 * When several hold, the most harmful to the room is shown: echo (everyone hears themselves),
 * then clipping (distortion), then noise, music, typing.
 */

/** What the warning is about. */
export type MicWarningKind = 'echo' | 'clipping' | 'noise' | 'music' | 'typing';

/** A warning for the speaker. */
export interface MicWarning {
  kind: MicWarningKind;
  message: string;
}

/** The echo score above which the microphone counts as echoing the room. */
export const ECHO_WARNING_SCORE = 0.3;
/** A report whose peak reaches this (dBFS) is clipped: the one threshold of ../mic-level-verdict.ts. */
export const CLIPPING_PEAK_DBFS = MIC_CLIPPING_PEAK_DBFS;
/** How long a warning stays up after its condition last held. */
export const WARNING_HOLD_MS = 2000;
/** Reports to keep for {@link micWarning}: the longest span plus the hold, with room to spare. */
export const MIC_WARNING_HISTORY_MS = 6000;

/** The words of each warning. */
export const MIC_WARNING_MESSAGES: Record<MicWarningKind, string> = {
  echo: 'Your microphone is picking up the room — use headphones, or turn your speakers down.',
  clipping: `Your microphone is too loud and distorts — ${MIC_LEVEL_WORDS['too-loud'].advice}.`,
  noise: 'Your microphone is picking up steady noise — move away from the fan or mute when not speaking.',
  music: 'Your microphone is picking up music — turn it down or mute when not speaking.',
  typing: 'Your microphone is picking up typing — mute when not speaking.',
};

/** How each condition is recognised in one report, and how long it must hold. */
interface Condition {
  kind: MicWarningKind;
  spanMs: number;
  /** Share of the span's reports that must show it. */
  share: number;
  /** Whether the span's first and last reports must show it. */
  ends: boolean;
  holds(report: MicReport): boolean;
}

const CONDITIONS: readonly Condition[] = [
  { kind: 'echo', spanMs: 2000, share: 0.8, ends: true, holds: (report) => report.echoScore >= ECHO_WARNING_SCORE },
  // Clipping comes in bursts (a laugh, a cough): a few clipped reports within 2 s, not most of them.
  { kind: 'clipping', spanMs: 2000, share: 0.3, ends: false, holds: (report) => isClippedPeak(report.peakDbfs) },
  { kind: 'noise', spanMs: 3000, share: 0.8, ends: true, holds: (report) => report.voice === 'noise' },
  { kind: 'music', spanMs: 3000, share: 0.8, ends: true, holds: (report) => report.voice === 'music' },
  { kind: 'typing', spanMs: 3000, share: 0.8, ends: true, holds: (report) => report.voice === 'typing' },
];

/** Report interval the spans assume are covered (a span with gaps in its reports does not count). */
const REPORT_INTERVAL_MS = 200;

/**
 * The warning to show now, from recent reports (oldest first, the last one being "now"), or null.
 * Pass at least the last {@link MIC_WARNING_HISTORY_MS} of reports.
 */
export function micWarning(reports: readonly MicReport[]): MicWarning | null {
  const last = reports.at(-1);
  if (!last) return null;
  const now = last.at;
  for (const condition of CONDITIONS) {
    if (raisedSince(reports, condition, now - WARNING_HOLD_MS))
      return { kind: condition.kind, message: MIC_WARNING_MESSAGES[condition.kind] };
  }
  return null;
}

/** True when the condition held over a whole span ending at some report at or after `from`. */
function raisedSince(reports: readonly MicReport[], condition: Condition, from: number): boolean {
  for (let end = reports.length - 1; end >= 0; end -= 1) {
    const endAt = (reports[end] as MicReport).at;
    if (endAt < from) return false;
    if (heldOver(reports, end, condition)) return true;
  }
  return false;
}

/** True when the span of `condition.spanMs` ending at report `end` is covered and shows the condition. */
function heldOver(reports: readonly MicReport[], end: number, condition: Condition): boolean {
  const endAt = (reports[end] as MicReport).at;
  const startAt = endAt - condition.spanMs;
  if (condition.ends && !condition.holds(reports[end] as MicReport)) return false;
  let total = 0;
  let showing = 0;
  let first = reports[end] as MicReport;
  for (let i = end; i >= 0; i -= 1) {
    const report = reports[i] as MicReport;
    // A report covers the 200 ms before its stamp.
    if (report.at - REPORT_INTERVAL_MS < startAt - REPORT_INTERVAL_MS / 2) break;
    total += 1;
    if (condition.holds(report)) showing += 1;
    first = report;
  }
  // Covered: reports go back to the span's start, and not too many are missing.
  const covered =
    first.at - REPORT_INTERVAL_MS <= startAt + REPORT_INTERVAL_MS / 2 && total >= (condition.spanMs / REPORT_INTERVAL_MS) * 0.75;
  return covered && showing >= total * condition.share && (!condition.ends || condition.holds(first));
}
