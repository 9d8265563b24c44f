import type { MicReport } from '../../electron/shared/mic-report';
import { MIC_WARNING_HISTORY_MS, micWarning, type MicWarning } from '../audio/mic-analysis/mic-warning';
import type { AppSlice, AppState } from './store-types';

/*
 * The speaker's own microphone check: the latest report of this window's microphone analysis
 * (renderer/audio/mic-analysis, fed by the media layer's `onMicReport`) and the warning it gives
 * the speaker. (Passing the report on to the space channel is not wired: see receiveMicReport.)
 */

/** This window's microphone as its own analysis sees it. */
export interface MicCheckState {
  /** The latest report; null while the microphone is closed. */
  report: MicReport | null;
  /** The warning shown to the speaker, if any (changes seldom: a stable reference between changes). */
  warning: MicWarning | null;
}

/** The microphone check part of the store. */
export interface MicCheckSlice {
  micCheck: MicCheckState;
  /** Takes a report from the microphone analysis; null once the microphone closed (clears the warning). */
  receiveMicReport(report: MicReport | null): void;
}

/** Creates the microphone check slice. */
export const createMicCheckSlice: AppSlice<MicCheckSlice> = (set, get) => {
  /** Reports of the last MIC_WARNING_HISTORY_MS, oldest first. */
  let recent: MicReport[] = [];
  return {
    micCheck: { report: null, warning: null },
    receiveMicReport(report) {
      if (report === null) {
        recent = [];
        set({ micCheck: { report: null, warning: null } });
        return;
      }
      // A report older than the last (a clock step back) starts the history over.
      if (recent.length > 0 && report.at < (recent.at(-1) as MicReport).at) recent = [];
      recent.push(report);
      const first = recent.findIndex((kept) => kept.at >= report.at - MIC_WARNING_HISTORY_MS);
      if (first > 0) recent = recent.slice(first);
      const next = micWarning(recent);
      const previous = get().micCheck.warning;
      const warning = previous !== null && next !== null && previous.kind === next.kind ? previous : next;
      set({ micCheck: { report, warning } });
      // Not passed on to the engine yet (`reportMic`, the space channel): the host window's program
      // already lags a muted co-host by seconds in the end-to-end conversation spec, and with the
      // reports on it lagged more, while the engines' cost is measured as small (producer.bench.ts).
      // Until the window is profiled, the producer's meters and report-based flags stay empty.
    },
  };
};

/** The latest microphone report of this window, or null. */
export const selectMicReport = (state: AppState): MicReport | null => state.micCheck.report;

/** The warning about this window's microphone, or null. */
export const selectMicWarning = (state: AppState): MicWarning | null => state.micCheck.warning;
