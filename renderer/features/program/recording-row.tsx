import type { ReactNode } from 'react';
import { Button } from '../../components/button';
import { formatElapsed } from '../../components/elapsed-time';
import { formatCount } from '../../components/format';
import { selectCanRevealRecording, selectRecording } from '../../stores/broadcast-selectors';
import { useAppStore } from '../../stores/store-context';
import { formatBytes } from './program-format';

/** The safety recording: every frame of the program in a local file, whatever the outputs do. */
export function RecordingRow(): ReactNode {
  const recording = useAppStore(selectRecording);
  const canReveal = useAppStore(selectCanRevealRecording);
  const reveal = useAppStore((state) => state.recordingReveal);
  const revealRecording = useAppStore((state) => state.revealRecording);
  return (
    <div className="recording-row" data-testid="recording-row" data-state={recording ? 'recording' : 'off'}>
      <span className="recording-row__badge" aria-hidden="true">
        <span className="recording-row__dot" />
        REC
      </span>
      {recording ? (
        <>
          <span className="recording-row__path mono truncate" title={recording.path}>
            {recording.path}
          </span>
          <dl className="recording-row__facts num">
            <div>
              <dt>Size</dt>
              <dd>{formatBytes(recording.bytes)}</dd>
            </div>
            <div>
              <dt>Length</dt>
              <dd>{formatElapsed(recording.durationMs)}</dd>
            </div>
            <div>
              <dt>Files</dt>
              <dd>{formatCount(recording.files)}</dd>
            </div>
          </dl>
          {canReveal ? (
            <Button
              variant="ghost"
              aria-label="Show the recording in its folder"
              busy={reveal.status === 'sending'}
              disabled={reveal.status === 'sending'}
              onClick={() => void revealRecording()}
              data-testid="recording-reveal"
            >
              Show in folder
            </Button>
          ) : null}
          {reveal.status === 'failed' ? (
            <span className="recording-row__error" role="alert">
              {reveal.error}
            </span>
          ) : null}
        </>
      ) : (
        <span className="recording-row__off">
          No safety recording for this show. Turn it on in Settings › Recording for the next show (from a terminal:{' '}
          <code>--record FILE.opus</code>) to keep a gapless copy.
        </span>
      )}
    </div>
  );
}
