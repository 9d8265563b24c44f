import type { MicReport } from '../../electron/shared/mic-report';
import { MIC_WARNING_HISTORY_MS, micWarning, type MicWarning, type MicWarningKind } from '../audio/mic-analysis/mic-warning';
import { MIC_LEVEL_WORDS } from '../audio/mic-level-verdict';
import type { AppSlice, AppState } from './store-types';

// Components name these through the store, never through renderer/audio.
export type { MicWarning, MicWarningKind };
/** The words for a microphone's level, the same in the preflight and the Conversation panel. */
export { MIC_LEVEL_WORDS };

/*
 * The speaker's own microphone check: the latest report of this window's microphone analysis
 * (renderer/audio/mic-analysis, fed by the media layer's `onMicReport`) and the warning it gives
 * the speaker, and every report goes on to the engine, which sends it on the space channel so that
 * producers see every microphone in the room.
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
      // Producers see every speaker's microphone: the engine passes the report on to the space
      // channel (what that costs the engines: producer.bench.ts).
      get().reportMic(report);
    },
  };
};

/** The latest microphone report of this window, or null. */
export const selectMicReport = (state: AppState): MicReport | null => state.micCheck.report;

/** The warning about this window's microphone, or null. */
export const selectMicWarning = (state: AppState): MicWarning | null => state.micCheck.warning;
