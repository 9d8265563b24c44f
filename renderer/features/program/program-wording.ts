import type { OutputErrorClass, OutputState } from '../../../electron/shared/broadcast';
import type { StatusTone } from '../../components/status-pill';

/** Tone and label of an output's state pill; the label carries the meaning, the colour only repeats it. */
export function describeOutputState(state: OutputState): { tone: StatusTone; label: string } {
  switch (state.status) {
    case 'connecting':
      return { tone: 'busy', label: 'Connecting' };
    case 'live':
      return { tone: 'ok', label: 'Live' };
    case 'retrying':
      return { tone: 'warn', label: 'Retrying' };
    case 'stopped':
      return state.reason === 'requested' ? { tone: 'neutral', label: 'Stopped' } : { tone: 'bad', label: 'Stopped' };
  }
}

/** Why an output is retrying, in plain words. */
export const ERROR_CLASS_WORDS: Record<OutputErrorClass, string> = {
  auth: 'The server refused the source credentials',
  rejected: 'The server refused this source',
  'mount-in-use': 'Mount still held by an earlier connection',
  refused: 'The server is not taking sources right now',
  network: 'Cannot reach the server',
  timeout: 'The server did not answer in time',
  stalled: 'The server stopped answering',
  behind: 'The uplink fell too far behind; reconnecting at the live edge',
  server: 'The server reported an error',
  protocol: 'Unexpected answer from the server',
};

/** Why an output stopped, and what the host can do about it. */
export const STOP_REASON_WORDS: Record<Extract<OutputState, { status: 'stopped' }>['reason'], { title: string; action: string | null }> = {
  requested: { title: 'Stopped on request', action: null },
  auth: {
    title: 'Wrong source credentials',
    action: 'Fix the source user and password of this mount (in the output URL or the space settings), then start the broadcast again.',
  },
  fatal: { title: 'Stopped after an error', action: 'Check the engine log for details, then start the broadcast again.' },
};
