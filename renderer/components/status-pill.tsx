import type { ReactNode } from 'react';
import './status-pill.css';

/** What a status means at a glance; colour is never the only signal (the label says it too). */
export type StatusTone = 'neutral' | 'busy' | 'ok' | 'warn' | 'bad';

/** A small rounded status label with a coloured dot. */
export function StatusPill({ tone, children, label }: { tone: StatusTone; children: ReactNode; label?: string }): ReactNode {
  return (
    <span className="status-pill" data-tone={tone} aria-label={label}>
      <span className="status-pill__dot" aria-hidden="true" />
      {children}
    </span>
  );
}
