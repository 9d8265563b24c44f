import { createStore, type StoreApi } from 'zustand/vanilla';
import { createBrowserConversationMedia } from '../audio/conversation-media';
import { createBroadcastSlice } from './broadcast-slice';
import { createConnectionSlice } from './connection-slice';
import { createConversationSlice } from './conversation-slice';
import { createEngineSlice } from './engine-slice';
import { createFailoverSlice } from './failover-slice';
import { createListenersSlice } from './listeners-slice';
import { createLogSlice } from './log-slice';
import { createMicCheckSlice } from './mic-check-slice';
import { createProducerSlice } from './producer-slice';
import { createServersSlice } from './servers-slice';
import { createSettingsSlice } from '../features/settings/settings-slice';
import type { AppState, StoreDeps } from './store-types';

/** The vanilla store of one window; React binds to it through `useAppStore`. */
export type AppStore = StoreApi<AppState>;

/** Real time, real randomness, real timers. */
export const browserStoreDeps: StoreDeps = {
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
};

/** Creates the store of one window from its slices. */
export function createAppStore(deps: StoreDeps = browserStoreDeps): AppStore {
  return createStore<AppState>()((...args) => ({
    ...createConnectionSlice(...args),
    ...createEngineSlice(deps)(...args),
    ...createServersSlice(...args),
    ...createLogSlice(...args),
    ...createListenersSlice(...args),
    ...createBroadcastSlice(deps)(...args),
    ...createConversationSlice(deps)(...args),
    ...createProducerSlice(deps)(...args),
    ...createMicCheckSlice(...args),
    ...createFailoverSlice(...args),
    ...createSettingsSlice(...args),
  }));
}
