import type { ConnectionStatus } from '../bridge/connection-status';
import type { BridgeKind } from '../bridge/select-bridge';
import type { AppSlice, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

// Components name these through the store, never through renderer/bridge.
export type { BridgeKind, ConnectionStatus };

/*
 * The window's bridge to the engine is a service given to the store when it is created
 * (StoreDeps.bridge), never part of its state: this slice holds only what the UI shows about it.
 * From creation on the store follows every engine event and loads the whole state after every
 * (re)connection, since events sent while disconnected are lost.
 */

/** How well this window is connected to the engine. */
export interface ConnectionSlice {
  bridgeKind: BridgeKind;
  connection: ConnectionStatus;
  /** Why the engine state could not be loaded, if the last attempt failed. */
  stateError: string | null;
  /** Loads the whole engine state, unless a newer one arrives as an event meanwhile. */
  refreshState: () => Promise<void>;
  /** Skips the reconnect backoff. */
  reconnectNow: () => void;
  /** Stops following the engine's events and connection (the window is going away; tests). */
  detachBridge: () => void;
}

/** Creates the connection slice; it starts following the bridge at once (createAppStore loads the first state). */
export function createConnectionSlice(deps: StoreDeps): AppSlice<ConnectionSlice> {
  return (set, get) => {
    const { api, connection } = deps.bridge;
    const unsubscribers = [
      api.on('engine:state', (state) => get().receiveState(state)),
      api.on('engine:pong', (pong) => get().receivePong(pong)),
      api.on('servers:probed', (probed) => get().receiveProbe(probed)),
      api.on('log:entry', (entry) => get().appendLog(entry)),
      api.on('listeners:update', (reading) => get().receiveListeners(reading)),
      api.on('broadcast:meters', (meters) => get().receiveMeters(meters)),
      api.on('broadcast:notice', (notice) => get().receiveNotice(notice)),
      api.on('conversation:mic-levels', (levels) => get().receiveMicLevels(levels)),
      // invites:opened comes from the desktop app's main process (a steadycast:// link).
      api.on('invites:opened', (opened) => get().receiveOpenedInvite(opened)),
      connection.subscribe((status) => {
        const wasConnected = get().connection.status === 'connected';
        set({ connection: status });
        if (status.status === 'connected' && !wasConnected) void get().refreshState();
      }),
    ];

    return {
      bridgeKind: deps.bridge.kind,
      connection: connection.current(),
      stateError: null,

      async refreshState() {
        const versionBefore = get().stateVersion;
        try {
          const recent = api.invoke('log:get-recent', {}).catch(() => null);
          void get().loadListeners();
          const state = await api.invoke('engine:get-state', {});
          // An engine:state event that arrived while we waited is newer than this answer.
          if (get().stateVersion === versionBefore) get().receiveState(state);
          set({ stateError: null });
          // The log history is a convenience: without it the panel starts from the next line.
          const history = await recent;
          if (history) get().mergeRecentLog(history.entries);
        } catch (error) {
          set({ stateError: `Could not load the engine state: ${describeError(error)}` });
        }
      },

      reconnectNow() {
        connection.reconnect();
      },

      detachBridge() {
        for (const unsubscribe of unsubscribers.splice(0)) unsubscribe();
      },
    };
  };
}
