import type { BroadcastStatus, Meters } from '../../shared/broadcast';
import type { EventPayload } from '../../shared/contract';

/** What a running broadcast tells its observers. */
export type BroadcastChange =
  | { kind: 'status'; status: BroadcastStatus }
  | { kind: 'meters'; meters: Meters }
  | { kind: 'notice'; notice: EventPayload<'broadcast:notice'> }
  | { kind: 'ended'; status: BroadcastStatus };

/** The engine's handle on a running broadcast (the program pipeline). */
export interface BroadcastControl {
  /** A snapshot of the program's state. */
  status(): BroadcastStatus;
  /** Reconnects one output now; false when no output has that id or it is stopped. */
  retryOutput(outputId: string): boolean;
  /** Subscribes to status, meters and notices; returns the unsubscribe function. */
  subscribe(listener: (change: BroadcastChange) => void): () => void;
}
