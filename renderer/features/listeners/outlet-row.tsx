import type { ReactNode } from 'react';
import type { OutletReading } from '../../../electron/shared/listeners';
import { formatCount } from '../../components/format';
import { StatusPill } from '../../components/status-pill';

const METHODS: Record<NonNullable<OutletReading['method']>, string> = {
  'client-list': 'client list',
  'admin-stats': 'admin stats',
  'public-status': 'public stats',
};

/** How old a reading is, e.g. `0.4 s`, `12 s`, `3 min`. */
export function formatAge(ms: number | null): string {
  if (ms === null) return 'never read';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** One outlet: which mount, its listeners, and whether that number is fresh (or why not). */
export function OutletRow({ outlet }: { outlet: OutletReading }): ReactNode {
  const details: string[] = [];
  if (outlet.method) details.push(METHODS[outlet.method]);
  if (outlet.relaysExcluded) details.push(`${formatCount(outlet.relaysExcluded)} relay${outlet.relaysExcluded === 1 ? '' : 's'} excluded`);
  if (outlet.sourceLive === false) details.push('no source: fallback counted');
  return (
    <li className="listener-outlet" data-stale={outlet.stale} data-testid={`listener-outlet-${outlet.id}`}>
      <div className="listener-outlet__main">
        <span className="listener-outlet__names">
          <span className="listener-outlet__label">{outlet.label}</span>
          <span className="listener-outlet__url mono truncate" title={outlet.url}>
            {outlet.url}
          </span>
        </span>
        <span className="listener-outlet__count num" aria-label={outlet.stale ? 'not counted' : `${outlet.listeners ?? 0} listeners`}>
          {outlet.stale || outlet.listeners === null ? '—' : formatCount(outlet.listeners)}
        </span>
      </div>
      <div className="listener-outlet__meta">
        {outlet.stale ? <StatusPill tone="bad">Stale</StatusPill> : <StatusPill tone="ok">Fresh</StatusPill>}
        <span className="listener-outlet__age num faint">{formatAge(outlet.ageMs)}</span>
        {details.length > 0 ? <span className="listener-outlet__details faint">{details.join(' · ')}</span> : null}
      </div>
      {outlet.stale && outlet.staleReason ? (
        <p className="listener-outlet__reason" data-testid="stale-reason">
          {outlet.listeners !== null ? `Last read ${formatCount(outlet.listeners)}, not counted: ` : 'Not counted: '}
          {outlet.staleReason}
        </p>
      ) : null}
      {outlet.notice ? <p className="listener-outlet__notice">{outlet.notice}</p> : null}
    </li>
  );
}
