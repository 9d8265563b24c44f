import type { ReactNode } from 'react';
import { useAppStore } from '../../stores/store-context';
import './toast-stack.css';

/** The toasts in their strip at the bottom of the window, newest last; a polite live region, so each is read out once. */
export function ToastStack(): ReactNode {
  const toasts = useAppStore((state) => state.toasts);
  const dismissToast = useAppStore((state) => state.dismissToast);
  return (
    <section className="toast-stack" aria-label="Notifications" data-testid="toasts">
      {/* The live region wraps the list, so the list keeps its list role (axe: listitem). */}
      <div role="status">
        <ol className="plain-list toast-stack__list">
          {toasts.map((toast) => (
            <li key={toast.id} className="toast" data-tone={toast.tone} data-kind={toast.kind} data-testid={`toast-${toast.kind}`}>
              <span className="toast__bar" aria-hidden="true" />
              <div className="toast__text">
                <p className="toast__title">{toast.title}</p>
                {toast.detail ? <p className="toast__detail">{toast.detail}</p> : null}
              </div>
              <button type="button" className="toast__close" aria-label={`Dismiss: ${toast.title}`} onClick={() => dismissToast(toast.id)}>
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
