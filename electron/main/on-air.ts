import type { EngineEvent } from '../shared/contract';
import type { EngineState } from '../shared/state';

/**
 * The running show, as the desktop app keeps track of it (power, live marker, quit): from going
 * live to ending, whether or not an output reaches listeners (that is the lamp's: shared/on-air-lamp.ts).
 */
export interface OnAirShow {
  space: string;
  startedAt: number;
  /** The safety recording being written now, or null when the show is not recorded. */
  recordingPath: string | null;
}

/** The running show in a state, or null when none runs. */
export function onAirShow(state: EngineState): OnAirShow | null {
  const broadcast = state.broadcast;
  if (broadcast === null) return null;
  return { space: state.space.name, startedAt: broadcast.startedAt, recordingPath: broadcast.recording?.path ?? null };
}

/**
 * Calls `onChange` with the show when it goes on air, when its recording moves to a new file, and
 * with null when it goes off air (never twice for the same thing). Returns the unsubscribe function.
 */
export function watchOnAir(
  engine: { subscribe(listener: (event: EngineEvent) => void): () => void; getState(): EngineState },
  onChange: (show: OnAirShow | null) => void,
): () => void {
  let last = onAirShow(engine.getState());
  if (last !== null) onChange(last);
  return engine.subscribe((event) => {
    if (event.channel !== 'engine:state') return;
    const next = onAirShow(event.payload);
    if (next === null ? last === null : last !== null && next.startedAt === last.startedAt && next.recordingPath === last.recordingPath)
      return;
    last = next;
    onChange(next);
  });
}
