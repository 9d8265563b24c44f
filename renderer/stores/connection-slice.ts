import type { SteadycastApi } from '../../electron/shared/bridge';
import { constantConnection, type ConnectionSource, type ConnectionStatus } from '../bridge/connection-status';
import type { BridgeKind } from '../bridge/select-bridge';
import { describeFailure } from './describe-failure';
import type { AppSlice } from './store-types';

/** What {@link ConnectionSlice.attachBridge} may be told besides the API. */
export interface AttachOptions {
  kind?: BridgeKind;
  /** Status of the binding; a binding without one (IPC, a test fake) counts as always connected. */
  connection?: ConnectionSource;
}

/** The bridge this window uses and how well it is connected. */
export interface ConnectionSlice {
  bridge: SteadycastApi | null;
  bridgeKind: BridgeKind | null;
  connection: ConnectionStatus;
  /** Why the engine state could not be loaded, if the last attempt failed. */
  stateError: string | null;
  /**
   * Subscribes to every engine event and loads the whole state now and after every reconnect
   * (events sent while disconnected are lost). Returns the detach function.
   */
  attachBridge: (api: SteadycastApi, options?: AttachOptions) => () => void;
  /** Loads the whole engine state, unless a newer one arrives as an event meanwhile. */
  refreshState: () => Promise<void>;
  /** Skips the reconnect backoff. */
  reconnectNow: () => void;
}

/** Creates the connection slice. */
export const createConnectionSlice: AppSlice<ConnectionSlice> = (set, get) => {
  let detachCurrent: (() => void) | null = null;
  let currentConnection: ConnectionSource | null = null;

  return {
    bridge: null,
    bridgeKind: null,
    connection: { status: 'connecting', attempt: 1 },
    stateError: null,

    attachBridge(api, options = {}) {
      detachCurrent?.();
      const connection = options.connection ?? constantConnection({ status: 'connected' });
      const unsubscribers = [
        api.on('engine:state', (state) => get().receiveState(state)),
        api.on('engine:pong', (pong) => get().receivePong(pong)),
        api.on('servers:probed', (probed) => get().receiveProbe(probed)),
        api.on('log:entry', (entry) => get().appendLog(entry)),
        api.on('listeners:update', (reading) => get().receiveListeners(reading)),
        api.on('broadcast:meters', (meters) => get().receiveMeters(meters)),
        api.on('broadcast:notice', (notice) => get().receiveNotice(notice)),
        api.on('conversation:mic-levels', (levels) => get().receiveMicLevels(levels)),
      ];
      set({ bridge: api, bridgeKind: options.kind ?? null, connection: connection.current(), stateError: null });
      unsubscribers.push(
        connection.subscribe((status) => {
          const wasConnected = get().connection.status === 'connected';
          set({ connection: status });
          if (status.status === 'connected' && !wasConnected) void get().refreshState();
        }),
      );
      currentConnection = connection;
      if (connection.current().status === 'connected') void get().refreshState();

      const detach = (): void => {
        if (detachCurrent !== detach) return;
        for (const unsubscribe of unsubscribers) unsubscribe();
        detachCurrent = null;
        currentConnection = null;
        set({ bridge: null });
      };
      detachCurrent = detach;
      return detach;
    },

    async refreshState() {
      const bridge = get().bridge;
      if (!bridge) return;
      const versionBefore = get().stateVersion;
      try {
        const recent = bridge.invoke('log:get-recent', {}).catch(() => null);
        void get().loadListeners();
        const state = await bridge.invoke('engine:get-state', {});
        if (get().bridge !== bridge) return;
        // An engine:state event that arrived while we waited is newer than this answer.
        if (get().stateVersion === versionBefore) get().receiveState(state);
        set({ stateError: null });
        // The log history is a convenience: without it the panel starts from the next line.
        const history = await recent;
        if (history && get().bridge === bridge) get().mergeRecentLog(history.entries);
      } catch (error) {
        if (get().bridge === bridge) set({ stateError: `Could not load the engine state: ${describeFailure(error)}` });
      }
    },

    reconnectNow() {
      currentConnection?.reconnect();
    },
  };
};
