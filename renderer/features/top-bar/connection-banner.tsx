import type { ReactNode } from 'react';
import { Button } from '../../components/button';
import { RefreshIcon } from '../../components/icons';
import { useSecondsUntil } from '../../components/use-countdown';
import { selectConnection, selectIsStale, selectStateError } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import './connection-banner.css';

/** Says, under the top bar, why the window is not live and what happens next; hidden when all is well. */
export function ConnectionBanner(): ReactNode {
  const connection = useAppStore(selectConnection);
  const stale = useAppStore(selectIsStale);
  const stateError = useAppStore(selectStateError);
  const reconnectNow = useAppStore((state) => state.reconnectNow);
  const refreshState = useAppStore((state) => state.refreshState);
  const seconds = useSecondsUntil(connection.status === 'disconnected' ? connection.retryAt : null);

  if (connection.status === 'unauthorized') {
    return (
      <div className="banner" data-tone="bad" role="alert">
        <div className="banner__text">
          <strong>This window is not authorized.</strong> <span>{connection.reason}</span>
        </div>
      </div>
    );
  }
  if (connection.status === 'disconnected') {
    return (
      <div className="banner" data-tone="warn" role="alert">
        <div className="banner__text">
          <strong>Not connected to the engine.</strong> <span>{connection.reason}</span>{' '}
          <span className="banner__next">
            {seconds === null ? '' : seconds > 0 ? `Retrying in ${seconds} s.` : 'Retrying…'}
            {stale ? ' The state below is the last one received.' : ''}
          </span>
        </div>
        <Button variant="secondary" aria-label="Reconnect now" icon={<RefreshIcon />} onClick={reconnectNow}>
          Reconnect now
        </Button>
      </div>
    );
  }
  if (stateError && connection.status === 'connected') {
    return (
      <div className="banner" data-tone="bad" role="alert">
        <div className="banner__text">
          <strong>Engine state unavailable.</strong> <span>{stateError}</span>
        </div>
        <Button
          variant="secondary"
          aria-label="Try again to load the engine state"
          icon={<RefreshIcon />}
          onClick={() => void refreshState()}
        >
          Try again
        </Button>
      </div>
    );
  }
  return null;
}
