import type { ReactNode } from 'react';
import type { OutputState } from '../../../electron/shared/broadcast';
import { Button } from '../../components/button';
import { formatClockTime } from '../../components/format';
import { RefreshIcon } from '../../components/icons';
import { StatusPill } from '../../components/status-pill';
import { useWallClock } from '../../components/use-wall-clock';
import { describeCountdown, secondsUntil, selectCanRetry, selectOutput, selectRetryRequest } from '../../stores/broadcast-selectors';
import { useAppStore } from '../../stores/store-context';
import { formatBytes } from './program-format';
import { describeOutputState, ERROR_CLASS_WORDS, STOP_REASON_WORDS } from './program-wording';

/** Backlog above this is shown as a warning: the uplink is falling behind. */
const BACKLOG_WARN_MS = 500;

/** One Icecast output of the program: where it goes, its state, and "Retry now" while it waits to reconnect. */
export function OutputRow({ outputId }: { outputId: string }): ReactNode {
  const output = useAppStore(selectOutput(outputId));
  const retry = useAppStore(selectRetryRequest(outputId));
  const canRetry = useAppStore(selectCanRetry(outputId));
  const retryOutput = useAppStore((state) => state.retryOutput);
  if (!output) return null;
  const { tone, label } = describeOutputState(output.state);
  const sending = retry?.status === 'sending';
  // Only a retrying output has a button; the others give its column to their details.
  const retrying = output.state.status === 'retrying';

  return (
    <tr className="output-row" data-testid={`output-${output.id}`} data-state={output.state.status}>
      <th scope="row" className="output-row__name">
        <span className="output-row__label">{output.label}</span>
        <span className="output-row__url mono truncate" title={output.url}>
          {output.url}
        </span>
      </th>
      <td className="output-row__status">
        <StatusPill tone={tone}>{label}</StatusPill>
      </td>
      <td className="output-row__detail" colSpan={retrying ? 1 : 2}>
        <OutputDetail state={output.state} />
        {retry?.status === 'failed' ? (
          <span className="output-row__retry-error" role="alert">
            {retry.error}
          </span>
        ) : null}
      </td>
      {retrying ? (
        <td className="output-row__action">
          <Button
            variant="secondary"
            aria-label={`Retry ${output.label} now`}
            disabled={!canRetry}
            busy={sending}
            icon={<RefreshIcon />}
            onClick={() => void retryOutput(output.id)}
          >
            Retry now
          </Button>
        </td>
      ) : null}
    </tr>
  );
}

function OutputDetail({ state }: { state: OutputState }): ReactNode {
  switch (state.status) {
    case 'connecting':
      return (
        <span className="output-detail">
          <span className="output-detail__main">Connecting to the server…</span>
          <span className="output-detail__facts faint num">Attempt {state.attempt}</span>
        </span>
      );
    case 'live':
      return (
        <span className="output-detail">
          <span className="output-detail__main">
            Since <time dateTime={new Date(state.since).toISOString()}>{formatClockTime(state.since)}</time>
          </span>
          <span className="output-detail__facts num">
            <span>{formatBytes(state.bytesSent)} sent</span>
            <span className="output-detail__sep" aria-hidden="true">
              ·
            </span>
            <span className={state.backlogMs > BACKLOG_WARN_MS ? 'output-detail__backlog-high' : undefined}>
              Backlog {Math.round(state.backlogMs).toLocaleString()} ms
            </span>
          </span>
        </span>
      );
    case 'retrying':
      return (
        <span className="output-detail">
          <span className="output-detail__main">
            <strong className="output-detail__class">{ERROR_CLASS_WORDS[state.errorClass]}.</strong>{' '}
            <Countdown key={state.nextAttemptAt} nextAttemptAt={state.nextAttemptAt} attempt={state.attempt} />
          </span>
          <span className="output-detail__message" title={state.error}>
            {state.error}
          </span>
        </span>
      );
    case 'stopped': {
      const words = STOP_REASON_WORDS[state.reason];
      return (
        <span className="output-detail" data-reason={state.reason}>
          <span className="output-detail__main">
            <strong className={state.reason === 'requested' ? undefined : 'output-detail__class'}>{words.title}.</strong>{' '}
            {state.message ? <span>{state.message}</span> : null}
          </span>
          {words.action ? <span className="output-detail__action">{words.action}</span> : null}
        </span>
      );
    }
  }
}

/** "Next attempt in 3 s", live every second (aligned to the attempt time so it never skips a number). */
function Countdown({ nextAttemptAt, attempt }: { nextAttemptAt: number; attempt: number }): ReactNode {
  const now = useWallClock(nextAttemptAt);
  const text = describeCountdown(nextAttemptAt, now);
  return (
    <span className="output-countdown num" data-testid="output-countdown" data-seconds={secondsUntil(nextAttemptAt, now)}>
      {text === 'now' ? 'Reconnecting now…' : `Next attempt ${text}`}
      {attempt > 0 ? <span className="faint"> · {attempt === 1 ? '1 attempt so far' : `${attempt} attempts so far`}</span> : null}
    </span>
  );
}
