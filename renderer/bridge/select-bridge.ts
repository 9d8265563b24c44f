import { apiFromReplies, type SteadycastApi, type SteadycastIpcApi } from '../../electron/shared/bridge';
import type { EngineState } from '../../electron/shared/state';
import { takeAccessToken } from './access-token';
import { constantConnection, type ConnectionSource } from './connection-status';
import { openIpcPcmStream, type PcmStreamOpener } from './pcm-stream';
import { bridgeUrlFor, createWebSocketBridge } from './websocket-bridge';

declare global {
  interface Window {
    /** The contract's IPC binding, exposed by the preload in the desktop app; absent in a browser. */
    steadycast?: SteadycastIpcApi;
  }
}

/** How this window reaches the engine. */
export type BridgeKind = EngineState['bridge']['kind'];

/** The binding this window uses, with its connection status. */
export interface SelectedBridge {
  kind: BridgeKind;
  api: SteadycastApi;
  connection: ConnectionSource;
}

/**
 * Picks the Electron binding when the preload exposed `window.steadycast`, else the WebSocket
 * binding to the page's own host (the headless engine serves the UI and the bridge together).
 */
export function selectBridge(): SelectedBridge {
  const electronApi = window.steadycast;
  if (electronApi) {
    // IPC lives as long as the window does: there is nothing to reconnect. The program goes from
    // a worker to main on a MessagePort (see openIpcPcmStream), not through sendPcm.
    const api: SteadycastApi & PcmStreamOpener = { ...apiFromReplies(electronApi), openPcmStream: () => openIpcPcmStream() };
    return { kind: 'ipc', api, connection: constantConnection({ status: 'connected' }) };
  }
  const token = takeAccessToken({ location: window.location, history: window.history, storage: sessionStorageOrNull() });
  const bridge = createWebSocketBridge({ url: bridgeUrlFor(window.location), token });
  return { kind: 'websocket', api: bridge, connection: bridge };
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
