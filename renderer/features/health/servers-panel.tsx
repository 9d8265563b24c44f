import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { EndpointName } from '../../../electron/shared/state';
import { Button } from '../../components/button';
import { capitalize } from '../../components/format';
import { RefreshIcon } from '../../components/icons';
import { Panel } from '../../components/panel';
import {
  selectCanCheckServers,
  selectCheckError,
  selectConnection,
  selectEndpointNames,
  selectHasEngine,
  selectIsChecking,
} from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import { ServerRow } from './server-row';
import { ServersEmptyState } from './servers-empty-state';
import { PracticeBar } from '../practice/practice-bar';
import './servers-panel.css';

const ENDPOINT_ROLES: Record<EndpointName, string> = {
  primary: 'Where the show runs',
  backup: 'Takes over if the primary fails',
};

/** The configured endpoints with their Janus and Icecast servers, and a way to probe them now. */
export function ServersPanel(): ReactNode {
  const hasEngine = useAppStore(selectHasEngine);
  const connection = useAppStore(selectConnection);
  const endpoints = useAppStore(useShallow(selectEndpointNames));
  const checking = useAppStore(selectIsChecking);
  const canCheck = useAppStore(selectCanCheckServers);
  const checkError = useAppStore(selectCheckError);
  const checkServers = useAppStore((state) => state.checkServers);

  return (
    <Panel
      title="Servers"
      description="Reachability of each endpoint's conversation and audience servers"
      actions={
        <Button
          variant="primary"
          aria-label="Check servers"
          disabled={!canCheck}
          busy={checking}
          icon={<RefreshIcon />}
          onClick={() => void checkServers()}
        >
          {checking ? 'Checking…' : 'Check servers'}
        </Button>
      }
    >
      {checkError ? (
        <p className="inline-error" role="alert">
          {checkError}
        </p>
      ) : null}
      <PracticeBar />
      {!hasEngine ? (
        <p className="placeholder">
          {connection.status === 'connected' || connection.status === 'connecting'
            ? 'Waiting for the engine state…'
            : 'Not connected to the engine.'}
        </p>
      ) : endpoints.length === 0 ? (
        <ServersEmptyState />
      ) : (
        <table className="servers-table">
          <caption className="visually-hidden">Servers of each endpoint and their last probe</caption>
          <colgroup>
            <col className="servers-table__col-service" />
            <col className="servers-table__col-status" />
            <col className="servers-table__col-rtt" />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">
                Round trip
              </th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          {endpoints.map((name) => (
            <tbody key={name} className="servers-table__endpoint" data-endpoint={name} data-testid={`endpoint-${name}`}>
              <tr className="servers-table__group">
                <th scope="rowgroup" colSpan={4}>
                  <span className="endpoint-badge" data-endpoint={name}>
                    {capitalize(name)}
                  </span>
                  <span className="servers-table__group-role">{ENDPOINT_ROLES[name]}</span>
                </th>
              </tr>
              <ServerRow endpoint={name} kind="janus" />
              <ServerRow endpoint={name} kind="icecast" />
            </tbody>
          ))}
        </table>
      )}
    </Panel>
  );
}
