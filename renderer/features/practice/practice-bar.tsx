import type { ReactNode } from 'react';
import { Button } from '../../components/button';
import { selectCanSend } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import { selectPractice } from '../../stores/practice-slice';
import './practice.css';

/** While the practice space runs: where to listen, and "Simulate a failure". */
export function PracticeBar(): ReactNode {
  const practice = useAppStore(selectPractice);
  const request = useAppStore((state) => state.practiceFailure);
  const canSend = useAppStore(selectCanSend);
  const simulateFailure = useAppStore((state) => state.simulateFailure);
  if (practice?.status !== 'running') return null;
  const failing = request.status === 'sending';
  return (
    <div className="practice-bar" data-testid="practice-bar">
      <p className="practice-bar__text">
        <strong>Practice space</strong> — its servers run on this computer.{' '}
        {practice.listenUrls.map((url, index) => (
          <span key={url}>
            {index === 0 ? 'Listen: ' : ' or '}
            <a href={url} target="_blank" rel="noreferrer" data-testid={index === 0 ? 'practice-listen' : 'practice-listen-backup'}>
              {url}
            </a>
          </span>
        ))}
      </p>
      {practice.primaryStopped ? (
        <p className="practice-bar__text" data-testid="practice-failed-note">
          The primary Janus and Icecast are stopped: watch the conversation and the audience move to the backup.
        </p>
      ) : (
        <Button
          aria-label="Simulate a failure"
          data-testid="practice-simulate-failure"
          disabled={!canSend || failing}
          busy={failing}
          onClick={() => void simulateFailure()}
        >
          Simulate a failure
        </Button>
      )}
      {request.status === 'failed' ? (
        <p className="inline-error" role="alert">
          {request.error}
        </p>
      ) : null}
    </div>
  );
}
