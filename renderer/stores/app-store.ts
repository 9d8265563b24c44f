import { createStore, type StoreApi } from 'zustand/vanilla';
import { createBrowserConversationMedia } from '../audio/conversation-media';
import { createBroadcastSlice } from './broadcast-slice';
import { createConnectionSlice } from './connection-slice';
import { createBackupRoomSlice } from './backup-room-slice';
import { createInvitesSlice } from './invites-slice';
import { createMediaSession } from './media-session';
import { createMicrophoneSlice } from './microphone-slice';
import { createModerationSlice } from './moderation-slice';
import { createProgramFeedSlice } from './program-feed-slice';
import { createRoomSlice } from './room-slice';
import { createEngineSlice } from './engine-slice';
import { createFailoverSlice } from './failover-slice';
import { createListenersSlice } from './listeners-slice';
import { createLogSlice } from './log-slice';
import { createMicCheckSlice } from './mic-check-slice';
import { createProducerSlice } from './producer-slice';
import { createServersSlice } from './servers-slice';
import { createSettingsSlice } from './settings-slice';
import type { SelectedBridge } from '../bridge/select-bridge';
import { createPracticeSlice } from './practice-slice';
import type { AppState, StoreDeps } from './store-types';
import { createToastsSlice } from './toasts-slice';
import { createPreflightSlice } from './preflight-slice';
import { createPushToTalkSlice } from './push-to-talk-slice';
import { playTestTone } from '../audio/test-tone';
import { browserRehearsalRecorder } from '../audio/rehearsal-recorder';
import { createThemeSlice, type SystemTheme, type ThemeStorage } from './theme-slice';

/** The vanilla store of one window; React binds to it through `useAppStore`. */
export type AppStore = StoreApi<AppState>;

/** The window's localStorage; a window where it is unavailable (blocked, full) just does not keep the choice. */
const localThemeStorage: ThemeStorage = {
  get(key) {
    try {
      return window.localStorage.getItem(key);
    } catch {
      return null;
    }
  },
  set(key, value) {
    try {
      window.localStorage.setItem(key, value);
    } catch {
      // Not kept: the choice still applies to this window.
    }
  },
};

const LIGHT_QUERY = '(prefers-color-scheme: light)';

/** The system's colour scheme through `matchMedia`. */
const mediaSystemTheme: SystemTheme = {
  current: () => (window.matchMedia(LIGHT_QUERY).matches ? 'light' : 'dark'),
  subscribe(listener) {
    const query = window.matchMedia(LIGHT_QUERY);
    const onChange = (event: MediaQueryListEvent): void => listener(event.matches ? 'light' : 'dark');
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  },
};

/** The window's bridge with real time, real randomness, real timers, the window's media, storage and colour scheme. */
export function browserStoreDeps(bridge: SelectedBridge): StoreDeps {
  return {
    bridge,
    now: () => performance.now(),
    randomNonce() {
      // getRandomValues works on plain http too (randomUUID needs a secure context).
      const bytes = crypto.getRandomValues(new Uint8Array(16));
      return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
    },
    setTimer(callback, ms) {
      const handle = setTimeout(callback, ms);
      return () => clearTimeout(handle);
    },
    createConversationMedia: createBrowserConversationMedia,
    playTone: playTestTone,
    rehearsal: browserRehearsalRecorder,
    themeStorage: localThemeStorage,
    systemTheme: mediaSystemTheme,
  };
}

/** Creates the store of one window from its slices; it follows the engine through `deps.bridge` from now on. */
export function createAppStore(deps: StoreDeps): AppStore {
  const store = createStore<AppState>()((set, get, api) => {
    const args = [set, get, api] as const;
    // The window's media (microphone, room connection, program capture), shared by the slices that drive it.
    const media = createMediaSession(deps, set, get);
    return {
      ...createConnectionSlice(deps)(...args),
      ...createEngineSlice(deps)(...args),
      ...createServersSlice(deps)(...args),
      ...createLogSlice(...args),
      ...createListenersSlice(deps)(...args),
      ...createBroadcastSlice(deps)(...args),
      ...createRoomSlice(deps, media)(...args),
      ...createMicrophoneSlice(media)(...args),
      ...createProgramFeedSlice(deps, media)(...args),
      ...createInvitesSlice(deps)(...args),
      ...createModerationSlice(deps)(...args),
      ...createBackupRoomSlice(deps)(...args),
      ...createProducerSlice(deps)(...args),
      ...createMicCheckSlice(...args),
      ...createFailoverSlice(deps)(...args),
      ...createSettingsSlice(deps)(...args),
      ...createThemeSlice(deps)(...args),
      ...createToastsSlice(deps)(...args),
      ...createPreflightSlice(deps)(...args),
      ...createPushToTalkSlice(...args),
      ...createPracticeSlice(deps)(...args),
    };
  });
  if (deps.bridge.connection.current().status === 'connected') void store.getState().refreshState();
  return store;
}
