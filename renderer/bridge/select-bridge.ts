import { apiFromReplies, type SteadycastApi, type SteadycastIpcApi } from '../../electron/shared/bridge';
import type { EngineState } from '../../electron/shared/state';
import { takeAccessToken } from './access-token';
import { constantConnection, type ConnectionSource } from './connection-status';
import { openIpcPcmStream } from './pcm-stream';
import type { ProgramFrameStream } from '../shared/program-frames';
import { bridgeUrlFor, createWebSocketBridge } from './websocket-bridge';

declare global {
  interface Window {
    /** The contract's IPC binding, exposed by the preload in the desktop app; absent in a browser. */
    steadycast?: SteadycastIpcApi;
  }
}

/** How this window reaches the engine. */
export type BridgeKind = EngineState['bridge']['kind'];

/** The binding this window uses: the contract API, its connection status, and the program's one route. */
export interface SelectedBridge {
  kind: BridgeKind;
  api: SteadycastApi;
  connection: ConnectionSource;
  /**
   * Starts the program's sending worker: in the desktop app it writes to a MessagePort to the main
   * process, in a browser to an audio-only WebSocket. Null when this window cannot (no access token).
   */
  openProgramStream(): ProgramFrameStream | null;
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
    return {
      kind: 'ipc',
      api: apiFromReplies(electronApi),
      connection: constantConnection({ status: 'connected' }),
      openProgramStream: () => openIpcPcmStream(),
    };
  }
  const token = takeAccessToken({ location: window.location, history: window.history, storage: sessionStorageOrNull() });
  const bridge = createWebSocketBridge({ url: bridgeUrlFor(window.location), token });
  return { kind: 'websocket', api: bridge, connection: bridge, openProgramStream: () => bridge.openPcmStream() };
}

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null;
  }
}
