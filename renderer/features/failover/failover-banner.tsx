import { useEffect, useId, useRef, type ReactNode } from 'react';
import type { EndpointName } from '../../../electron/shared/endpoint';
import type { EndpointHealth } from '../../../electron/shared/failover';
import { Button } from '../../components/button';
import { StatusPill } from '../../components/status-pill';
import { useSecondsUntil } from '../../components/use-countdown';
import { canAskMove, selectFailover } from '../../stores/failover-slice';
import { useAppStore } from '../../stores/store-context';
import { clockTime, conversationLabel, describePhase, ENDPOINT_NAME, healthTone, healthWord } from './failover-view';
import './failover-banner.css';

/** One endpoint's health: a pill, and the reason when it is not healthy. */
function EndpointHealthItem({ health, inUse }: { health: EndpointHealth; inUse: boolean }): ReactNode {
  const name = ENDPOINT_NAME[health.endpoint];
  return (
    <li className="failover-health" data-testid={`failover-health-${health.endpoint}`} title={health.reason ?? undefined}>
      <StatusPill
        tone={healthTone(health.status)}
        label={`${name}: ${healthWord(health.status)}${inUse ? ', the conversation is here' : ''}`}
      >
        {name} · {healthWord(health.status)}
        {inUse ? ' · conversation here' : ''}
      </StatusPill>
      {health.reason && health.status !== 'healthy' ? <span className="failover-health__reason">{health.reason}</span> : null}
    </li>
  );
}

/** The confirm step of a by-hand move (Escape or "Stay" goes back; focus lands on the safe answer). */
function MoveConfirm({ to }: { to: EndpointName }): ReactNode {
  const cancel = useAppStore((state) => state.cancelFailover);
  const confirm = useAppStore((state) => state.confirmFailover);
  const textId = useId();
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.querySelector<HTMLButtonElement>('[data-keep]')?.focus();
  }, []);
  const question = to === 'backup' ? 'Move everyone to the backup room now?' : 'Move everyone back to the primary room now?';
  return (
    <div
      className="failover-confirm"
      ref={ref}
      role="group"
      aria-labelledby={textId}
      onKeyDown={(event) => event.key === 'Escape' && cancel()}
    >
      <span id={textId}>
        <strong>{question}</strong> <span className="muted">Every participant’s app follows; the program keeps going to both mounts.</span>
      </span>
      <Button variant="secondary" data-keep="" aria-label="Stay where we are" onClick={cancel}>
        Stay
      </Button>
      <Button
        variant="primary"
        data-testid="failover-confirm"
        aria-label={to === 'backup' ? 'Switch to backup now' : 'Return to primary'}
        onClick={() => void confirm()}
      >
        {to === 'backup' ? 'Switch now' : 'Return now'}
      </Button>
    </div>
  );
}

/**
 * Always visible under the top bar: which space the conversation is in, the health of both endpoints, the
 * countdown before an automatic move, the by-hand moves (host and producer) and what happened when.
 */
export function FailoverBanner(): ReactNode {
  const failover = useAppStore(selectFailover);
  const request = useAppStore((state) => state.failoverRequest);
  const sending = request.status === 'sending' ? request.to : null;
  const ask = useAppStore((state) => state.askFailover);
  const setAutoReturn = useAppStore((state) => state.setAutoReturn);
  const moveAt = failover?.phase.phase === 'degraded' ? failover.phase.moveAt : null;
  const seconds = useSecondsUntil(moveAt);
  if (failover === null) return null;

  const headline = describePhase(failover, seconds);
  const phase = failover.phase.phase;
  const canBackup = canAskMove(failover, 'backup');
  const canReturn = canAskMove(failover, 'primary');
  const history = [...failover.history].reverse();
  return (
    <section className="failover-banner" data-tone={headline.tone} data-phase={phase} aria-label="Failover" data-testid="failover-banner">
      <div className="failover-banner__row">
        {/* Where the conversation is; whether the program reaches listeners is the lamp's to say. */}
        <div className="failover-banner__onair">
          <span className="failover-banner__label">Conversation</span>
          <strong data-testid="failover-conversation">{conversationLabel(failover)}</strong>
        </div>
        <ul className="failover-banner__health" aria-label="Endpoint health">
          {failover.health.map((health) => (
            <EndpointHealthItem key={health.endpoint} health={health} inUse={failover.onAir === health.endpoint && phase !== 'idle'} />
          ))}
        </ul>
        <p className="failover-banner__status" role="status" aria-live="polite" data-testid="failover-status">
          {headline.text}
        </p>
        <div className="failover-banner__actions">
          {canBackup ? (
            <Button
              variant="secondary"
              data-testid="failover-switch"
              aria-label="Switch to backup now"
              disabled={sending !== null}
              busy={sending === 'backup'}
              onClick={() => ask('backup')}
            >
              Switch to backup now
            </Button>
          ) : null}
          {canReturn ? (
            <Button
              variant="secondary"
              data-testid="failover-return"
              aria-label="Return to primary"
              disabled={sending !== null}
              busy={sending === 'primary'}
              onClick={() => ask('primary')}
            >
              Return to primary
            </Button>
          ) : null}
          {failover.canSwitch ? (
            <label className="failover-banner__auto">
              <input
                type="checkbox"
                checked={failover.settings.autoReturn}
                onChange={(event) => void setAutoReturn(event.target.checked)}
              />{' '}
              Return automatically
            </label>
          ) : null}
        </div>
      </div>
      {request.status === 'confirming' ? <MoveConfirm to={request.to} /> : null}
      {request.status === 'failed' ? (
        <p className="failover-banner__error" role="alert">
          {request.error}
        </p>
      ) : null}
      {history.length > 0 ? (
        <details className="failover-banner__history">
          <summary>What happened ({history.length})</summary>
          <ol data-testid="failover-history">
            {history.map((entry, index) => (
              <li key={`${entry.at}-${index}`}>
                <time dateTime={new Date(entry.at).toISOString()}>{clockTime(entry.at)}</time> {entry.message}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}
