import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { selectBridge } from './bridge/select-bridge';
import { ErrorBoundary } from './components/error-boundary';
import { createAppStore } from './stores/app-store';
import { StoreProvider } from './stores/store-context';
import { selectTheme } from './stores/theme-slice';
import './styles/theme.css';
import './styles/layout.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');

const store = createAppStore();
// The theme is set before the first paint and follows the store (choice or system) from then on.
const applyTheme = (): void => {
  document.documentElement.dataset.theme = selectTheme(store.getState());
};
applyTheme();
store.subscribe((state, previous) => {
  if (selectTheme(state) !== selectTheme(previous)) applyTheme();
});
const bridge = selectBridge();
store.getState().attachBridge(bridge.api, { kind: bridge.kind, connection: bridge.connection });

createRoot(container).render(
  <StrictMode>
    <ErrorBoundary>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </ErrorBoundary>
  </StrictMode>,
);
