import type { ReactNode } from 'react';
import { Button } from '../../components/button';
import { selectCanSend } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import { selectPractice } from '../../stores/practice-slice';
import './practice.css';

/** "Start the practice space", where no space is configured: or why this computer cannot run one. */
export function PracticeOffer(): ReactNode {
  const practice = useAppStore(selectPractice);
  const request = useAppStore((state) => state.practiceStart);
  const canSend = useAppStore(selectCanSend);
  const startPractice = useAppStore((state) => state.startPractice);
  if (practice === null) return null;
  if (practice.status === 'unavailable') {
    return (
      <p className="practice-offer__note" data-testid="practice-unavailable">
        {practice.reason}
      </p>
    );
  }
  const starting = practice.status === 'starting' || request.status === 'sending';
  const error = request.status === 'failed' ? request.error : practice.status === 'failed' ? practice.reason : null;
  return (
    <div className="practice-offer" data-testid="practice-offer">
      <p>
        Or try everything first in the <strong>practice space</strong>: a primary and a backup Janus + Icecast on this computer, started and
        stopped by Steadycast.
      </p>
      <Button
        variant="primary"
        aria-label="Start the practice space"
        data-testid="practice-start"
        disabled={!canSend || starting}
        busy={starting}
        onClick={() => void startPractice()}
      >
        {starting ? 'Starting the practice space…' : 'Start the practice space'}
      </Button>
      {error !== null ? (
        <p className="inline-error practice-offer__error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
