import { useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { Button } from '../../components/button';
import { RefreshIcon } from '../../components/icons';
import { StatusPill, type StatusTone } from '../../components/status-pill';
import {
  isPreflightBlocked,
  preflightLines,
  REHEARSAL_MAX_MS,
  selectPreflightInput,
  type PreflightLine,
} from '../../stores/preflight-slice';
import { useAppStore } from '../../stores/store-context';
import { MicLevel } from '../conversation/microphone-picker';
import './preflight-dialog.css';

const VERDICT: Record<PreflightLine['verdict'], { tone: StatusTone; word: string }> = {
  pass: { tone: 'ok', word: 'Pass' },
  warn: { tone: 'warn', word: 'Check' },
  fail: { tone: 'bad', word: 'Fail' },
  checking: { tone: 'busy', word: 'Checking' },
};

/** The preflight as a modal dialog (native <dialog>: focus stays inside, Escape closes it). */
export function PreflightDialog(): ReactNode {
  const open = useAppStore((state) => state.preflight.open);
  const closePreflight = useAppStore((state) => state.closePreflight);
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = dialogRef.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);

  return (
    <dialog
      ref={dialogRef}
      className="preflight"
      aria-labelledby={titleId}
      data-testid="preflight"
      onClose={() => open && closePreflight()}
    >
      {open ? <PreflightBody titleId={titleId} /> : null}
    </dialog>
  );
}

function PreflightBody({ titleId }: { titleId: string }): ReactNode {
  const input = useAppStore(useShallow(selectPreflightInput));
  const { preflight } = input;
  const blocked = useAppStore(isPreflightBlocked);
  const closePreflight = useAppStore((state) => state.closePreflight);
  const checkServersAgain = useAppStore((state) => state.checkServersAgain);
  const setPreflightOverride = useAppStore((state) => state.setPreflightOverride);
  const goLiveFromPreflight = useAppStore((state) => state.goLiveFromPreflight);
  const shown = useMemo(() => preflightLines(input), [input]);
  const failed = shown.filter((line) => line.verdict === 'fail').length;
  const overrideId = useId();

  return (
    <div className="preflight__body">
      <header className="preflight__head">
        <h2 id={titleId} className="preflight__title">
          Preflight
        </h2>
        <p className="preflight__lead muted">
          Before the audience hears anything: each line should pass. Nothing goes out until you press Go live.
        </p>
      </header>
      <ul className="plain-list preflight__lines" aria-label="Preflight checks" data-testid="preflight-lines">
        {shown.map((line) => (
          <li key={line.id} className="preflight-line" data-verdict={line.verdict} data-testid={`preflight-${line.id}`}>
            <span className="preflight-line__verdict">
              <StatusPill tone={VERDICT[line.verdict].tone}>{VERDICT[line.verdict].word}</StatusPill>
            </span>
            <span className="preflight-line__label">{line.label}</span>
            <span className="preflight-line__figure num">{line.figure ?? ''}</span>
            <span className="preflight-line__detail muted">{line.detail}</span>
            {line.id === 'microphone' ? (
              <span className="preflight-line__extra">
                <MicLevel />
              </span>
            ) : null}
            {line.id === 'headphones' ? <HeadphonesControls /> : null}
            {line.id === 'rehearsal' ? <RehearsalControls /> : null}
          </li>
        ))}
      </ul>
      <div className="preflight__foot">
        <Button
          variant="ghost"
          aria-label="Check the servers again"
          icon={<RefreshIcon />}
          disabled={preflight.network.status === 'checking' || preflight.uplink.status === 'checking'}
          onClick={() => void checkServersAgain()}
        >
          Check servers again
        </Button>
        {failed > 0 ? (
          <label className="checkbox preflight__override" htmlFor={overrideId}>
            <input
              id={overrideId}
              type="checkbox"
              checked={preflight.override}
              onChange={(event) => setPreflightOverride(event.target.checked)}
              data-testid="preflight-override"
            />
            <span>Go live anyway, despite {failed === 1 ? '1 failed check' : `${failed} failed checks`}</span>
          </label>
        ) : null}
        <div className="preflight__actions">
          <Button variant="secondary" aria-label="Cancel" onClick={closePreflight} data-testid="preflight-cancel">
            Cancel
          </Button>
          <Button
            variant="primary"
            className="go-live"
            aria-label="Go live now"
            disabled={blocked}
            onClick={() => void goLiveFromPreflight()}
            data-testid="preflight-go-live"
          >
            Go live now
          </Button>
        </div>
      </div>
    </div>
  );
}

function HeadphonesControls(): ReactNode {
  const check = useAppStore((state) => state.preflight.headphones);
  const playHeadphonesTone = useAppStore((state) => state.playHeadphonesTone);
  const answerHeadphones = useAppStore((state) => state.answerHeadphones);
  return (
    <span className="preflight-line__extra preflight-line__buttons">
      <Button
        variant="secondary"
        aria-label="Play a test tone"
        busy={check === 'playing'}
        disabled={check === 'playing'}
        onClick={() => void playHeadphonesTone()}
        data-testid="preflight-play-tone"
      >
        Play a test tone
      </Button>
      <Button
        variant="ghost"
        aria-label="I heard it"
        disabled={check === 'playing'}
        onClick={() => answerHeadphones(true)}
        data-testid="preflight-heard"
      >
        I heard it
      </Button>
      <Button
        variant="ghost"
        aria-label="I did not hear it"
        disabled={check === 'playing'}
        onClick={() => answerHeadphones(false)}
        data-testid="preflight-not-heard"
      >
        I did not hear it
      </Button>
    </span>
  );
}

/** m:ss of a whole number of seconds. */
function clock(seconds: number): string {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** Seconds since `startedAt` (performance.now() time), ticking while mounted. */
function useElapsedSeconds(startedAt: number): number {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 250);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.floor((now - startedAt) / 1000));
}

function RecordingClock({ startedAt }: { startedAt: number }): ReactNode {
  const elapsed = Math.min(useElapsedSeconds(startedAt), REHEARSAL_MAX_MS / 1000);
  return (
    <span className="num preflight-line__clock" data-testid="rehearsal-clock">
      {clock(elapsed)} / {clock(REHEARSAL_MAX_MS / 1000)}
    </span>
  );
}

function RehearsalControls(): ReactNode {
  const rehearsal = useAppStore((state) => state.preflight.rehearsal);
  const startRehearsal = useAppStore((state) => state.startRehearsal);
  const stopRehearsal = useAppStore((state) => state.stopRehearsal);
  const recording = rehearsal.status === 'recording';
  const busy = rehearsal.status === 'starting' || rehearsal.status === 'measuring';
  return (
    <span className="preflight-line__extra preflight-line__buttons">
      {recording ? (
        <>
          <Button variant="secondary" aria-label="Stop the rehearsal recording" onClick={stopRehearsal} data-testid="rehearsal-stop">
            Stop
          </Button>
          <RecordingClock startedAt={rehearsal.startedAt} />
        </>
      ) : (
        <Button
          variant="secondary"
          aria-label="Record a rehearsal"
          busy={busy}
          disabled={busy}
          onClick={() => void startRehearsal()}
          data-testid="rehearsal-record"
        >
          {rehearsal.status === 'ready' || rehearsal.status === 'error' ? 'Record again' : `Record ${REHEARSAL_MAX_MS / 1000} s`}
        </Button>
      )}
      {rehearsal.status === 'ready' ? (
        <audio
          className="preflight-line__playback"
          controls
          src={rehearsal.take.url}
          aria-label="Play back your rehearsal"
          data-testid="rehearsal-playback"
        />
      ) : null}
    </span>
  );
}
