import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { AppStore } from './app-store';
import type { AppState } from './store-types';

const StoreContext = createContext<AppStore | null>(null);

/** Makes one window's store available to the components below. */
export function StoreProvider({ store, children }: { store: AppStore; children: ReactNode }): ReactNode {
  return <StoreContext value={store}>{children}</StoreContext>;
}

/** Reads the smallest piece of the store a component needs; re-renders only when that piece changes. */
export function useAppStore<T>(selector: (state: AppState) => T): T {
  const store = useContext(StoreContext);
  if (!store) throw new Error('useAppStore must be used inside <StoreProvider>.');
  return useStore(store, selector);
}
