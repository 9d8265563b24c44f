import type { ReactNode } from 'react';
import { useWallClock } from './use-wall-clock';

/** A duration as a fixed-width show clock, e.g. 00:12:34 or 101:02:03. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  return [hours, minutes, seconds].map((part) => String(part).padStart(2, '0')).join(':');
}

/** Time since `since` (wall clock ms), ticking every second; renders a `<time>` with tabular digits. */
export function ElapsedTime({ since, className }: { since: number; className?: string }): ReactNode {
  const now = useWallClock(since);
  const elapsed = Math.max(0, now - since);
  return (
    <time className={className} dateTime={`PT${Math.floor(elapsed / 1000)}S`}>
      {formatElapsed(elapsed)}
    </time>
  );
}
