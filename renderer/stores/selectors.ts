import type { EndpointName, ServerKind, ServerProbe } from '../../electron/shared/state';
import type { LogLine } from './log-slice';
import { isChecking, probeKey } from './servers-slice';
import type { AppState } from './store-types';

/*
 * Selectors: components pick the smallest piece they draw. Selectors that build an object or an
 * array must be used with `useShallow` (their parts are stable references from the store).
 */

const NO_ENDPOINTS: readonly EndpointName[] = [];

/** The bridge connection status. */
export const selectConnection = (state: AppState): AppState['connection'] => state.connection;

/** Which binding this window uses. */
export const selectBridgeKind = (state: AppState): AppState['bridgeKind'] => state.bridgeKind;

/** Why the engine state could not be loaded, if it could not. */
export const selectStateError = (state: AppState): string | null => state.stateError;

/** True once any engine state arrived. */
export const selectHasEngine = (state: AppState): boolean => state.engine !== null;

/** True when commands can be sent now. */
export const selectCanSend = (state: AppState): boolean => state.connection.status === 'connected';

/** True when the state shown is the last known one, not live (the bridge is down). */
export const selectIsStale = (state: AppState): boolean => state.engine !== null && state.connection.status !== 'connected';

/** What the top bar shows about the engine (use with `useShallow`). */
export const selectEngineIdentity = (
  state: AppState,
): { spaceName: string | null; version: string | null; mode: 'desktop' | 'headless' | null } => ({
  // A window that joined by invite is in the inviting space, not in its own engine's (empty) one.
  spaceName: (isJoinedByInvite(state) ? state.conversation?.space : null) ?? state.engine?.space.name ?? null,
  version: state.engine?.version ?? null,
  mode: state.engine?.mode ?? null,
});

/** Bridge diagnostics from the engine (use with `useShallow`). */
export const selectBridgeStats = (
  state: AppState,
): {
  clients: number | null;
  framesReceived: number | null;
  framesRejected: number | null;
  delayMedianMs: number | null;
  delayMaxMs: number | null;
} => ({
  clients: state.engine?.bridge.clients ?? null,
  framesReceived: state.engine?.audio.framesReceived ?? null,
  framesRejected: state.engine?.audio.framesRejected ?? null,
  delayMedianMs: state.engine?.audio.inputDelay?.medianMs ?? null,
  delayMaxMs: state.engine?.audio.inputDelay?.maxMs ?? null,
});

/** Names of the configured endpoints, in engine order (use with `useShallow`). */
export const selectEndpointNames = (state: AppState): readonly EndpointName[] =>
  state.engine?.space.endpoints.map((endpoint) => endpoint.name) ?? NO_ENDPOINTS;

/** One server row: its redacted URL and last probe, or null when that server is not configured (use with `useShallow`). */
export const selectServer =
  (endpoint: EndpointName, kind: ServerKind) =>
  (state: AppState): { url: string; probe: ServerProbe } | null => {
    const server = state.engine?.space.endpoints.find((candidate) => candidate.name === endpoint)?.[kind];
    if (!server) return null;
    return { url: server.url, probe: state.probes[probeKey(endpoint, kind)] ?? server.probe };
  };

/** True when "Check servers" can be pressed: connected, servers configured, no check running. */
export const selectCanCheckServers = (state: AppState): boolean =>
  selectCanSend(state) && (state.engine?.space.endpoints.length ?? 0) > 0 && !isChecking(state);

/** True while a server check runs. */
export const selectIsChecking = (state: AppState): boolean => isChecking(state);

/** Why the last `servers:check` could not be sent, if it could not. */
export const selectCheckError = (state: AppState): string | null =>
  state.checkRequest.status === 'failed' ? state.checkRequest.error : null;

/** True when "Ping engine" can be pressed. */
export const selectCanPing = (state: AppState): boolean => selectCanSend(state);

/** The current ping. */
export const selectPing = (state: AppState): AppState['ping'] => state.ping;

/** Round trip of the last answered ping. */
export const selectLastRoundTrip = (state: AppState): number | null => state.lastRoundTripMs;

/** The kept engine log lines, oldest first. */
export const selectLog = (state: AppState): readonly LogLine[] => state.log;

/** True when this window is in a room it joined by invite (as co-host or producer). */
function isJoinedByInvite(state: AppState): boolean {
  const link = state.conversation?.link;
  return link?.status === 'joined' && link.role !== 'host';
}

/** True when this window's engine is the desktop app: only it has global shortcuts (keys that work in any app). */
export const selectHasGlobalShortcuts = (state: AppState): boolean => state.engine?.mode === 'desktop';
