import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EndpointName, ServerKind, ServerProbe } from '../../../electron/shared/state';
import { formatClockTime, formatRoundTrip } from '../../components/format';
import { AudienceIcon, ConversationIcon } from '../../components/icons';
import { StatusPill, type StatusTone } from '../../components/status-pill';
import { selectServer } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';

const SERVICES: Record<ServerKind, { name: string; role: string; icon: ReactNode }> = {
  janus: { name: 'Janus', role: 'Conversation', icon: <ConversationIcon /> },
  icecast: { name: 'Icecast', role: 'Audience', icon: <AudienceIcon /> },
};

const PROBE_PILLS: Record<ServerProbe['status'], { tone: StatusTone; label: string }> = {
  unknown: { tone: 'neutral', label: 'Not checked' },
  checking: { tone: 'busy', label: 'Checking…' },
  reachable: { tone: 'ok', label: 'Reachable' },
  unreachable: { tone: 'bad', label: 'Unreachable' },
};

/** One server of an endpoint: what it is, where, and whether it answered. */
export function ServerRow({ endpoint, kind }: { endpoint: EndpointName; kind: ServerKind }): ReactNode {
  const server = useAppStore(useShallow(selectServer(endpoint, kind)));
  const service = SERVICES[kind];
  return (
    <tr className="server-row" data-status={server?.probe.status ?? 'absent'} data-testid={`server-${kind}`}>
      <th scope="row" className="server-row__service">
        <div className="server-row__service-inner">
          <span className="server-row__icon">{service.icon}</span>
          <span className="server-row__names">
            <span className="server-row__title">
              <span className="server-row__name">{service.name}</span>
              <span className="server-row__role">{service.role}</span>
            </span>
            {server ? (
              <span className="server-row__url mono truncate" title={server.url}>
                {server.url}
              </span>
            ) : (
              <span className="server-row__url faint">Not configured for this endpoint</span>
            )}
          </span>
        </div>
      </th>
      {server ? (
        <>
          <td>
            <StatusPill tone={PROBE_PILLS[server.probe.status].tone}>{PROBE_PILLS[server.probe.status].label}</StatusPill>
          </td>
          <td className="num">
            {server.probe.status === 'reachable' ? formatRoundTrip(server.probe.roundTripMs) : <span className="faint">—</span>}
          </td>
          <td className="server-row__detail">
            <ProbeDetail probe={server.probe} />
          </td>
        </>
      ) : (
        <td colSpan={3} />
      )}
    </tr>
  );
}

function ProbeDetail({ probe }: { probe: ServerProbe }): ReactNode {
  switch (probe.status) {
    case 'unknown':
      return <span className="faint">Press “Check servers” to probe.</span>;
    case 'checking':
      return <span className="muted">Waiting for an answer…</span>;
    case 'reachable':
      return (
        <span className="server-row__version">
          {probe.serverVersion}
          <span className="server-row__checked faint">Checked {formatClockTime(probe.checkedAt)}</span>
        </span>
      );
    case 'unreachable':
      return (
        <span className="server-row__error">
          {probe.error}
          <span className="server-row__checked faint">Checked {formatClockTime(probe.checkedAt)}</span>
        </span>
      );
  }
}
