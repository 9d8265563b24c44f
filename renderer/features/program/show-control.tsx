import { useEffect, useId, useRef, type ReactNode } from 'react';
import { Button } from '../../components/button';
import { RefreshIcon } from '../../components/icons';
import { selectIsOnAir } from '../../stores/broadcast-selectors';
import { useAppStore } from '../../stores/store-context';
import {
  describeShowProgress,
  selectCanEndShow,
  selectCanGoLive,
  selectCanRetryFeed,
  selectProgramMicProblem,
  selectShowControl,
} from './show-control-view';

/** The on-air lamp drawn inside the Go live / End show buttons. */
function OnAirLamp(): ReactNode {
  return <span className="show-lamp" aria-hidden="true" />;
}

/** The prominent "Go live" of the off-air state: it opens the preflight, whose "Go live now" puts the show on air. */
export function GoLiveButton({ describedBy }: { describedBy?: string }): ReactNode {
  const canGoLive = useAppStore(selectCanGoLive);
  const starting = useAppStore((state) => state.showControl.status === 'starting');
  const openPreflight = useAppStore((state) => state.openPreflight);
  return (
    <Button
      variant="primary"
      className="go-live"
      data-testid="go-live"
      aria-label="Go live"
      aria-describedby={describedBy}
      disabled={!canGoLive}
      busy={starting}
      icon={<OnAirLamp />}
      aria-haspopup="dialog"
      onClick={openPreflight}
    >
      {starting ? 'Going live…' : 'Go live'}
    </Button>
  );
}

/** The first step of ending the show, in the panel header while on air. */
export function EndShowButton({ onPress }: { onPress: () => void }): ReactNode {
  const canEndShow = useAppStore(selectCanEndShow);
  const stopping = useAppStore((state) => state.showControl.status === 'stopping' || state.engine?.broadcast?.status === 'stopping');
  return (
    <Button
      variant="secondary"
      className="end-show"
      data-testid="end-show"
      aria-label="End show"
      disabled={!canEndShow}
      busy={stopping}
      onClick={onPress}
    >
      {stopping ? 'Ending…' : 'End show'}
    </Button>
  );
}

/** Ending the show cuts every listener off: a second step asks first (Escape or "Keep broadcasting" goes back). */
export function EndShowConfirm({ onDone }: { onDone: () => void }): ReactNode {
  const canEndShow = useAppStore(selectCanEndShow);
  const endShow = useAppStore((state) => state.endShow);
  const textId = useId();
  const keepRef = useRef<HTMLDivElement>(null);
  // Keyboard users land in the question, on the safe answer: a second Enter must not end the show.
  useEffect(() => {
    keepRef.current?.querySelector<HTMLButtonElement>('[data-keep]')?.focus();
  }, []);

  return (
    <div
      className="end-show-confirm"
      ref={keepRef}
      role="group"
      aria-labelledby={textId}
      onKeyDown={(event) => event.key === 'Escape' && onDone()}
    >
      <p className="end-show-confirm__text" id={textId}>
        <strong>End the show for every listener?</strong>{' '}
        <span className="muted">The outputs close and the safety recording gets its last page.</span>
      </p>
      <div className="end-show-confirm__actions">
        <Button variant="secondary" data-testid="end-show-cancel" data-keep="" aria-label="Keep broadcasting" onClick={onDone}>
          Keep broadcasting
        </Button>
        <Button
          variant="primary"
          className="end-show-confirm__go"
          data-testid="end-show-confirm"
          aria-label="End show"
          disabled={!canEndShow}
          onClick={() => {
            onDone();
            void endShow();
          }}
        >
          End show
        </Button>
      </div>
    </div>
  );
}

/** Progress of a start or stop in flight, the last failure with what to do (and a retry when the audio failed), and a missing microphone. */
export function ShowControlStatus(): ReactNode {
  const control = useAppStore(selectShowControl);
  const onAir = useAppStore(selectIsOnAir);
  const canRetryFeed = useAppStore(selectCanRetryFeed);
  const retryProgramFeed = useAppStore((state) => state.retryProgramFeed);
  const micProblem = useAppStore(selectProgramMicProblem);
  const progress = describeShowProgress(control, onAir);

  return (
    <>
      {/* Always rendered, so screen readers hear the progress as it changes. */}
      <p className="show-control__progress" role="status" data-empty={progress === null}>
        {progress}
      </p>
      {control.status === 'error' && control.error ? (
        <div className="show-control__error" role="alert" data-testid="show-control-error">
          <p>{control.error}</p>
          {canRetryFeed ? (
            <Button
              variant="secondary"
              data-testid="retry-program-feed"
              aria-label="Retry program audio"
              icon={<RefreshIcon />}
              onClick={() => void retryProgramFeed()}
            >
              Retry program audio
            </Button>
          ) : null}
        </div>
      ) : null}
      {micProblem ? (
        <div className="show-control__warning" role="alert" data-testid="program-mic-problem">
          <p>
            <strong>Your microphone is not in the program;</strong> listeners hear only the room. {micProblem}
          </p>
        </div>
      ) : null}
    </>
  );
}
