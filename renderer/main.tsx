import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { componentPath, createErrorReporter, reportUnexpectedErrors } from './bridge/error-reporting';
import { selectBridge } from './bridge/select-bridge';
import { ErrorBoundary } from './components/error-boundary';
import { browserStoreDeps, createAppStore } from './stores/app-store';
import { StoreProvider } from './stores/store-context';
import { selectTheme } from './stores/theme-slice';
import './styles/theme.css';
import './styles/layout.css';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element.');

// One bridge for the window (a second selectBridge() would open a second WebSocket in a browser).
const bridge = selectBridge();
// Unexpected errors of this window go to the engine's log, where support will look.
const errors = createErrorReporter(bridge.api);
reportUnexpectedErrors(window, errors);
// The store follows the engine through the window's bridge from the start.
const store = createAppStore(browserStoreDeps(bridge));
// The theme is set before the first paint and follows the store (choice or system) from then on.
const applyTheme = (): void => {
  document.documentElement.dataset.theme = selectTheme(store.getState());
};
applyTheme();
store.subscribe((state, previous) => {
  if (selectTheme(state) !== selectTheme(previous)) applyTheme();
});

createRoot(container).render(
  <StrictMode>
    <ErrorBoundary onError={(error, info) => errors.report('render', error, componentPath(info.componentStack))}>
      <StoreProvider store={store}>
        <App />
      </StoreProvider>
    </ErrorBoundary>
  </StrictMode>,
);
