import type { ReactNode } from 'react';
import './on-air-lamp.css';

/** The studio lamp: lit only when the engine says the program is going out, never otherwise. */
export function OnAirLamp({ onAir }: { onAir: boolean }): ReactNode {
  return (
    <div className="on-air-lamp" data-on-air={onAir} data-testid="on-air-lamp" role="status" aria-label={onAir ? 'On air' : 'Off air'}>
      <span className="on-air-lamp__bulb" aria-hidden="true" />
      <span>{onAir ? 'ON AIR' : 'OFF AIR'}</span>
    </div>
  );
}
