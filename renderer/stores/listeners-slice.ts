import type { ListenerHistory, ListenerReading } from '../../electron/shared/listeners';
import type { AppSlice, AppState, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

/** Most points the sparkline holds: a three-hour show at one update a second folds into this. */
export const MAX_SPARKLINE_POINTS = 360;

/** The total over time at a fixed step; `values[i]` covers `[startAt + i·stepMs, +stepMs)`, null = not read. */
export interface ListenerSeries {
  readonly startAt: number;
  readonly stepMs: number;
  readonly values: readonly (number | null)[];
}

/** Listener counts of the space, as the engine reads them from the servers. */
export interface ListenersSlice {
  /** The latest reading; null until the engine sends one (or when it counts nothing). */
  listenerReading: ListenerReading | null;
  /** The show's total over time, bounded to {@link MAX_SPARKLINE_POINTS}. */
  listenerSeries: ListenerSeries;
  /** Why the counts could not be loaded, if they could not. */
  listenersError: string | null;
  /** Takes a `listeners:update` event. */
  receiveListeners: (reading: ListenerReading) => void;
  /** Loads the latest reading and the history (on attach and after every reconnect). */
  loadListeners: () => Promise<void>;
}

const EMPTY_SERIES: ListenerSeries = { startAt: 0, stepMs: 1000, values: [] };

/** Halves the resolution (pairs merged, highest kept) until the series fits `maxPoints`. */
export function foldSeries(series: ListenerSeries, maxPoints: number = MAX_SPARKLINE_POINTS): ListenerSeries {
  let { stepMs, values } = series;
  while (values.length > maxPoints) {
    const folded: (number | null)[] = [];
    for (let i = 0; i < values.length; i += 2) folded.push(highest(values[i] ?? null, values[i + 1] ?? null));
    values = folded;
    stepMs *= 2;
  }
  return values === series.values ? series : { startAt: series.startAt, stepMs, values };
}

/** Adds one reading's total at `at`: into the current point if it falls there, else as new points (gaps null). */
export function appendToSeries(
  series: ListenerSeries,
  at: number,
  total: number | null,
  maxPoints: number = MAX_SPARKLINE_POINTS,
): ListenerSeries {
  if (series.values.length === 0) return { startAt: Math.floor(at / 1000) * 1000, stepMs: series.stepMs, values: [total] };
  const index = Math.floor((at - series.startAt) / series.stepMs);
  const last = series.values.length - 1;
  if (index < last) return series; // older than what is drawn
  if (index === last) {
    const merged = highest(series.values[last] ?? null, total);
    if (merged === series.values[last]) return series;
    return { ...series, values: [...series.values.slice(0, last), merged] };
  }
  // A long silence (e.g. the laptop slept) cannot grow the series past its bound: start over from here.
  if (index - last > maxPoints * 4) return { startAt: Math.floor(at / 1000) * 1000, stepMs: series.stepMs, values: [total] };
  const gap = new Array<number | null>(index - last - 1).fill(null);
  return foldSeries({ ...series, values: [...series.values, ...gap, total] }, maxPoints);
}

/** The engine's history as a series that fits the sparkline. */
export function seriesFromHistory(history: ListenerHistory): ListenerSeries {
  if (history.values.length === 0) return EMPTY_SERIES;
  return foldSeries({ startAt: history.startAt, stepMs: history.stepMs, values: history.values });
}

/** The total a reading stands for in the history: null when no outlet was fresh (never a guessed 0). */
export function countedTotal(reading: ListenerReading): number | null {
  return reading.coveredOutlets > 0 ? reading.total : null;
}

/** Creates the listeners slice. */
export const createListenersSlice =
  (deps: Pick<StoreDeps, 'bridge'>): AppSlice<ListenersSlice> =>
  (set, get) => ({
    listenerReading: null,
    listenerSeries: EMPTY_SERIES,
    listenersError: null,

    receiveListeners(reading) {
      set((current) => ({
        listenerReading: reading,
        listenerSeries: appendToSeries(current.listenerSeries, reading.at, countedTotal(reading)),
      }));
    },

    async loadListeners() {
      const bridge = deps.bridge.api;
      try {
        const [reading, history] = await Promise.all([
          bridge.invoke('listeners:get', {}),
          bridge.invoke('listeners:get-history', { maxPoints: MAX_SPARKLINE_POINTS }),
        ]);
        // Readings that arrived while we waited are newer than the history's last point: keep them on top.
        const current = get().listenerReading;
        let series = seriesFromHistory(history);
        if (current && (!reading || current.at > reading.at)) series = appendToSeries(series, current.at, countedTotal(current));
        set({
          listenerReading: current && reading && current.at > reading.at ? current : (reading ?? current),
          listenerSeries: series,
          listenersError: null,
        });
      } catch (error) {
        set({ listenersError: `Could not load the listener counts: ${describeError(error)}` });
      }
    },
  });

function highest(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.max(a, b);
}

/** The latest listener reading. */
export const selectListenerReading = (state: AppState): ListenerReading | null => state.listenerReading;

/** The sparkline series. */
export const selectListenerSeries = (state: AppState): ListenerSeries => state.listenerSeries;

/** Why the counts could not be loaded, if they could not. */
export const selectListenersError = (state: AppState): string | null => state.listenersError;

/** What the panel says before the first reading (use with `useShallow`). */
export const selectListenersLoadState = (state: AppState): { connected: boolean; hasEngine: boolean; hasIcecast: boolean } => ({
  connected: state.connection.status === 'connected',
  hasEngine: state.engine !== null,
  hasIcecast: state.engine?.space.endpoints.some((endpoint) => endpoint.icecast !== null) ?? false,
});
