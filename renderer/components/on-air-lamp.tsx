import type { ReactNode } from 'react';
import { ElapsedTime } from './elapsed-time';
import { formatClockTime } from './format';
import './on-air-lamp.css';

/** What the lamp says to a screen reader (and, for someone else's show, on hover). */
export function describeLamp(onAir: boolean, since: number | null, by: string | null): string {
  if (!onAir) return 'Off air';
  const whose = by === null ? 'On air' : `On air: ${by}'s show`;
  return since === null ? whose : `${whose}, since ${formatClockTime(since)}`;
}

/**
 * The studio lamp: lit only when an engine says the program is going out, never otherwise — this
 * window's own, or (`by`, a co-host's or producer's window) the host's as its app announces it.
 * `since` adds the show timer.
 */
export function OnAirLamp({ onAir, since = null, by = null }: { onAir: boolean; since?: number | null; by?: string | null }): ReactNode {
  const label = describeLamp(onAir, since, by);
  return (
    <div
      className="on-air-lamp"
      data-on-air={onAir}
      data-source={onAir ? (by === null ? 'self' : 'host') : undefined}
      data-testid="on-air-lamp"
      role="status"
      aria-label={label}
      title={onAir && by !== null ? `${label}. You are heard whenever your microphone is live.` : undefined}
    >
      <span className="on-air-lamp__bulb" aria-hidden="true" />
      <span>{onAir ? 'ON AIR' : 'OFF AIR'}</span>
      {/* Hidden from the live region: a clock read out every second would drown everything else. */}
      {onAir && since !== null ? (
        <span className="on-air-lamp__timer" aria-hidden="true">
          <ElapsedTime key={since} since={since} />
        </span>
      ) : null}
    </div>
  );
}
