import type { ReactNode } from 'react';
import { ElapsedTime } from './elapsed-time';
import { formatClockTime } from './format';
import './on-air-lamp.css';

/** The studio lamp: lit only when the engine says the program is going out, never otherwise; `since` adds the show timer. */
export function OnAirLamp({ onAir, since = null }: { onAir: boolean; since?: number | null }): ReactNode {
  return (
    <div className="on-air-lamp" data-on-air={onAir} data-testid="on-air-lamp" role="status" aria-label={onAir ? (since === null ? 'On air' : `On air since ${formatClockTime(since)}`) : 'Off air'}>
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
