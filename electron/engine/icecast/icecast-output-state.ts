import { assertNever } from '../../shared/assert-never';
import type { IcecastErrorClass } from './icecast-errors';

/*
 * The states of one Icecast output (icecast-output.ts draws the machine): a tagged union, and one
 * line for a log of each.
 */

/** Why the output last failed. `message` says what to do and never contains credentials. */
export interface IcecastFailure {
  readonly errorClass: IcecastErrorClass;
  readonly message: string;
  /** HTTP status when the server answered. */
  readonly status?: number;
  readonly at: number;
}

/** Why an output is stopped. */
export type IcecastStopReason = 'not-started' | 'requested' | 'rejected';

/** Opening a connection and waiting for the server to accept the source. */
export interface IcecastConnectingState {
  readonly kind: 'connecting';
  readonly since: number;
  /** 1 for the first attempt since the output was last live. */
  readonly attempt: number;
  readonly bytesSent: number;
  /** Audio held for catch-up (0 under the `live` policy). */
  readonly backlogBytes: number;
  readonly backlogMs: number;
  readonly lastError?: IcecastFailure;
}

/** The server accepted the source; audio is flowing. */
export interface IcecastLiveState {
  readonly kind: 'live';
  readonly since: number;
  readonly attempt: number;
  readonly bytesSent: number;
  /** Bytes written that the server has not acknowledged: Node's buffer plus the kernel's send queue (Linux). */
  readonly backlogBytes: number;
  /** Those bytes as audio duration (page granularity). */
  readonly backlogMs: number;
  /** Ogg serial of this connection's stream. */
  readonly serial: number;
  /**
   * Extra round trip of the last status probe over the best one on this connection (ms): the
   * uplink's queueing delay, the signal where the kernel's send queue cannot be read. A probe that did not
   * complete counts as `probeTimeoutMs`.
   */
  readonly queueDelayMs: number;
}

/** Waiting for the next attempt. */
export interface IcecastRetryingState {
  readonly kind: 'retrying';
  readonly since: number;
  /** The attempt that failed. */
  readonly attempt: number;
  /** Clock time of the next attempt. */
  readonly nextAttemptAt: number;
  readonly bytesSent: number;
  readonly backlogBytes: number;
  readonly backlogMs: number;
  readonly lastError: IcecastFailure;
}

/** Not sending and not trying to. */
export interface IcecastStoppedState {
  readonly kind: 'stopped';
  readonly since: number;
  readonly reason: IcecastStopReason;
  readonly bytesSent: number;
  readonly lastError?: IcecastFailure;
}

/** The state of one output. */
export type IcecastOutputState = IcecastConnectingState | IcecastLiveState | IcecastRetryingState | IcecastStoppedState;

/** One line for a log: the state and what matters about it. */
export function describeState(state: IcecastOutputState): string {
  switch (state.kind) {
    case 'connecting':
      return `connecting (attempt ${state.attempt})`;
    case 'live':
      return `live (attempt ${state.attempt}, serial ${state.serial.toString(16)})`;
    case 'retrying':
      return `retrying in ${Math.max(0, state.nextAttemptAt - state.since)} ms after attempt ${state.attempt}: [${state.lastError.errorClass}] ${state.lastError.message}`;
    case 'stopped':
      return `stopped (${state.reason})${state.lastError === undefined ? '' : `: [${state.lastError.errorClass}] ${state.lastError.message}`}`;
    default:
      return assertNever(state);
  }
}
