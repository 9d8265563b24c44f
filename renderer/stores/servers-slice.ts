import type { EventPayload } from '../../electron/shared/contract';
import type { EndpointName, EngineState, ServerKind, ServerProbe } from '../../electron/shared/state';
import type { AppSlice, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

/** Identifies one server of the space: `primary:janus`, `backup:icecast`, … */
export type ProbeKey = `${EndpointName}:${ServerKind}`;

/** The `servers:check` command itself (the probes it starts report separately). */
export type CheckRequest = { status: 'idle' } | { status: 'sending' } | { status: 'failed'; error: string };

/** Reachability of the configured servers. */
export interface ServersSlice {
  /** Last probe of each server, from `servers:probed` events and whole states. */
  probes: Partial<Record<ProbeKey, ServerProbe>>;
  checkRequest: CheckRequest;
  /** Asks the engine to probe every server (or one endpoint's); no-op while a check runs. */
  checkServers: (endpoint?: EndpointName) => Promise<void>;
  /** Takes a `servers:probed` event. */
  receiveProbe: (probed: EventPayload<'servers:probed'>) => void;
}

/** The key of one server. */
export function probeKey(endpoint: EndpointName, kind: ServerKind): ProbeKey {
  return `${endpoint}:${kind}`;
}

/** Every probe a whole state carries. */
export function probesOf(state: EngineState): Partial<Record<ProbeKey, ServerProbe>> {
  const probes: Partial<Record<ProbeKey, ServerProbe>> = {};
  for (const endpoint of state.space.endpoints) {
    if (endpoint.janus) probes[probeKey(endpoint.name, 'janus')] = endpoint.janus.probe;
    if (endpoint.icecast) probes[probeKey(endpoint.name, 'icecast')] = endpoint.icecast.probe;
  }
  return probes;
}

/** True while the command is in flight or any probe is still running. */
export function isChecking(state: Pick<ServersSlice, 'probes' | 'checkRequest'>): boolean {
  return state.checkRequest.status === 'sending' || Object.values(state.probes).some((probe) => probe?.status === 'checking');
}

/** Creates the servers slice. */
export const createServersSlice =
  (deps: Pick<StoreDeps, 'bridge'>): AppSlice<ServersSlice> =>
  (set, get) => ({
    probes: {},
    checkRequest: { status: 'idle' },

    async checkServers(endpoint) {
      if (isChecking(get())) return;
      set({ checkRequest: { status: 'sending' } });
      try {
        await deps.bridge.api.invoke('servers:check', endpoint ? { endpoint } : {});
        set({ checkRequest: { status: 'idle' } });
      } catch (error) {
        set({ checkRequest: { status: 'failed', error: `Could not start the check: ${describeError(error)}` } });
      }
    },

    receiveProbe({ endpoint, kind, probe }) {
      set((current) => ({ probes: { ...current.probes, [probeKey(endpoint, kind)]: probe } }));
    },
  });
