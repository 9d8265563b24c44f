import type { ReactNode } from 'react';
import type { BridgeKind, ConnectionStatus } from '../../stores/connection-slice';
import { StatusPill, type StatusTone } from '../../components/status-pill';
import { selectBridgeKind, selectConnection } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';

const KIND_LABELS: Record<BridgeKind, string> = { ipc: 'Electron IPC', websocket: 'WebSocket' };

/** Tone and short label of a connection status. */
export function describeConnection(connection: ConnectionStatus): { tone: StatusTone; label: string } {
  switch (connection.status) {
    case 'connected':
      return { tone: 'ok', label: 'Connected' };
    case 'connecting':
      return { tone: 'busy', label: connection.attempt > 1 ? 'Reconnecting…' : 'Connecting…' };
    case 'disconnected':
      return { tone: 'warn', label: 'Disconnected' };
    case 'unauthorized':
      return { tone: 'bad', label: 'Unauthorized' };
  }
}

/** The bridge status in the top bar: how this window reaches the engine and whether it does. */
export function ConnectionIndicator(): ReactNode {
  const connection = useAppStore(selectConnection);
  const kind = useAppStore(selectBridgeKind);
  const { tone, label } = describeConnection(connection);
  const kindLabel = kind ? KIND_LABELS[kind] : 'Bridge';
  return (
    <div className="top-bar__field" role="status" data-testid="bridge-status" aria-label={`Bridge: ${label} (${kindLabel})`}>
      <span className="eyebrow">Bridge · {kindLabel}</span>
      <StatusPill tone={tone}>{label}</StatusPill>
    </div>
  );
}
