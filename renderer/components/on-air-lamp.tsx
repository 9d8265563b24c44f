import type { ReactNode } from 'react';
import { describeOnAirLamp, lampIsLit, type OnAirLamp as LampState } from '../../electron/shared/on-air-lamp';
import { ElapsedTime } from './elapsed-time';
import { formatClockTime } from './format';
import './on-air-lamp.css';

/** What the lamp says to a screen reader (and, for someone else's show, on hover). */
export function describeLamp(lamp: LampState, since: number | null): string {
  const { sentence } = describeOnAirLamp(lamp);
  return since === null || lamp.kind === 'off' ? sentence : `${sentence}, since ${formatClockTime(since)}`;
}

/**
 * The studio lamp: lit red only while the program reaches listeners (every output, or the host's
 * show as its app announces it); a running show that reaches fewer or none says so in words on an
 * amber lamp. `since` adds the show timer.
 */
export function OnAirLamp({ lamp, since = null }: { lamp: LampState; since?: number | null }): ReactNode {
  const { headline, count, tone } = describeOnAirLamp(lamp);
  const label = describeLamp(lamp, since);
  const running = lamp.kind !== 'off';
  return (
    <div
      className="on-air-lamp"
      data-on-air={lampIsLit(lamp)}
      data-lamp={lamp.kind}
      data-tone={tone}
      data-source={running ? (lamp.kind === 'host' ? 'host' : 'self') : undefined}
      data-testid="on-air-lamp"
      role="status"
      aria-label={label}
      title={lamp.kind === 'host' ? `${label}. You are heard whenever your microphone is live.` : running ? label : undefined}
    >
      <span className="on-air-lamp__bulb" aria-hidden="true" />
      <span className="on-air-lamp__text">
        <span className="on-air-lamp__headline">{headline}</span>
        {/* The separator keeps the text one phrase for anything that reads it whole ("LIVE · 1 of 2 outputs"). */}
        {count === null ? null : (
          <span className="on-air-lamp__count">
            <span className="visually-hidden"> · </span>
            {count}
          </span>
        )}
      </span>
      {/* Hidden from the live region: a clock read out every second would drown everything else. */}
      {running && since !== null ? (
        <span className="on-air-lamp__timer" aria-hidden="true">
          <ElapsedTime key={since} since={since} />
        </span>
      ) : null}
    </div>
  );
}
