import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { PingState } from '../../stores/engine-slice';
import { Button } from '../../components/button';
import { formatCount, formatRoundTrip } from '../../components/format';
import { PulseIcon } from '../../components/icons';
import { Panel } from '../../components/panel';
import { selectBridgeKind, selectBridgeStats, selectCanPing, selectEngineIdentity, selectPing } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import './diagnostics.css';

const KIND_LABELS = { ipc: 'Electron IPC', websocket: 'WebSocket' } as const;
const MODE_LABELS = { desktop: 'Desktop', headless: 'Headless' } as const;

/** The path between this window and the engine: binding, attached UIs, audio frames, and a ping. */
export function BridgePanel(): ReactNode {
  const kind = useAppStore(selectBridgeKind);
  const { version, mode } = useAppStore(useShallow(selectEngineIdentity));
  const { clients, framesReceived, framesRejected, delayMedianMs, delayMaxMs } = useAppStore(useShallow(selectBridgeStats));
  const canPing = useAppStore(selectCanPing);
  const pingEngine = useAppStore((state) => state.pingEngine);

  return (
    <Panel title="Bridge" description="Commands to the engine, events back to this window">
      <div className="bridge">
        <dl className="facts">
          <div className="facts__item">
            <dt>Engine</dt>
            <dd data-testid="engine-version">
              {version ? `v${version}` : '—'}
              {mode ? ` · ${MODE_LABELS[mode]}` : null}
            </dd>
          </div>
          <div className="facts__item">
            <dt>Binding</dt>
            <dd>{kind ? KIND_LABELS[kind] : '—'}</dd>
          </div>
          <div className="facts__item">
            <dt>Attached UIs</dt>
            <dd className="num">{clients === null ? '—' : formatCount(clients)}</dd>
          </div>
          <div className="facts__item">
            <dt>PCM frames</dt>
            <dd className="num">
              {framesReceived === null ? '—' : formatCount(framesReceived)}
              {framesRejected ? <span className="bad-text"> · {formatCount(framesRejected)} rejected</span> : null}
            </dd>
          </div>
          <div className="facts__item">
            <dt>Audio delay</dt>
            <dd
              className="num"
              data-testid="program-input-delay"
              title="From capture in a window to the engine, over the last second: median (worst)"
            >
              {delayMedianMs === null || delayMaxMs === null ? (
                '—'
              ) : (
                <span className={delayMedianMs >= 500 ? 'bad-text' : undefined}>{`${delayMedianMs} ms (${delayMaxMs} ms)`}</span>
              )}
            </dd>
          </div>
        </dl>
        <div className="ping">
          <Button aria-label="Ping engine" disabled={!canPing} icon={<PulseIcon />} onClick={() => void pingEngine()}>
            Ping engine
          </Button>
          <div className="ping__readout">
            <span className="ping__label" id="ping-result-label">
              Round trip
            </span>
            <PingResult />
          </div>
          <p className="ping__hint">How long a command takes to reach the engine and its answer to come back.</p>
        </div>
      </div>
    </Panel>
  );
}

function PingResult(): ReactNode {
  const ping = useAppStore(selectPing);
  return (
    <output className="ping__result" data-testid="ping-result" data-status={ping.status} aria-labelledby="ping-result-label">
      {pingText(ping)}
    </output>
  );
}

function pingText(ping: PingState): string {
  switch (ping.status) {
    case 'idle':
      return '—';
    case 'waiting':
      return 'Waiting for the answer…';
    case 'answered':
      return formatRoundTrip(ping.roundTripMs);
    case 'failed':
      return ping.error;
  }
}
