import { Component, type ErrorInfo, type ReactNode } from 'react';

/** Props of {@link ErrorBoundary}. */
export interface ErrorBoundaryProps {
  children: ReactNode;
  /** Where unexpected errors go (the global handler); the UI shows a recovery screen either way. */
  onError?: (error: unknown, info: ErrorInfo) => void;
}

/** Catches an unexpected rendering failure and offers a reload instead of a blank window. */
export class ErrorBoundary extends Component<ErrorBoundaryProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    this.props.onError?.(error, info);
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <main className="fatal" role="alert">
        <h1>Steadycast hit an unexpected problem</h1>
        <p>The engine keeps running; only this window stopped drawing. Reload the window to continue.</p>
        <button type="button" className="button" data-variant="primary" aria-label="Reload window" onClick={() => window.location.reload()}>
          Reload window
        </button>
      </main>
    );
  }
}
