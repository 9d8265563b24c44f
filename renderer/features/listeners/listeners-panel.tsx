import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { formatClockTime, formatCount } from '../../components/format';
import { Panel } from '../../components/panel';
import { StatusPill } from '../../components/status-pill';
import { selectListenerReading, selectListenerSeries, selectListenersError, selectListenersLoadState } from '../../stores/listeners-slice';
import { useAppStore } from '../../stores/store-context';
import { ListenerSparkline } from './listener-sparkline';
import { describeCoverage, describeTotal } from './listener-wording';
import { OutletRow } from './outlet-row';
import './listeners-panel.css';

/** How long the series spans, e.g. `2 h 05 min`, `14 min`, `40 s`. */
export function formatSpan(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** The live listener count of the space: total, coverage, peak, unique estimate, history and each outlet. */
export function ListenersPanel(): ReactNode {
  const reading = useAppStore(selectListenerReading);
  const series = useAppStore(selectListenerSeries);
  const error = useAppStore(selectListenersError);
  const load = useAppStore(useShallow(selectListenersLoadState));

  const covered = reading?.coveredOutlets ?? 0;
  const outlets = reading?.totalOutlets ?? 0;
  const coverage = describeCoverage(reading);
  const spanMs = series.values.length * series.stepMs;

  return (
    <Panel
      title="Listeners"
      description="Read from the space's Icecast servers every second; a number that is not fresh is never counted"
      className="listeners-panel"
      actions={
        <span data-testid="listener-coverage">
          <StatusPill tone={coverage.tone}>{coverage.text}</StatusPill>
        </span>
      }
    >
      {error ? (
        <p className="inline-error" role="alert">
          {error}
        </p>
      ) : null}
      {!reading ? (
        <p className="placeholder">
          {load.connected
            ? load.hasEngine && !load.hasIcecast
              ? 'No Icecast mount is configured for this space, so there is nothing to count.'
              : 'Waiting for the first reading…'
            : 'Not connected to the engine.'}
        </p>
      ) : (
        <div className="listeners">
          <div className="listeners__hero">
            <div className="listeners__total" data-testid="listener-total" data-covered={covered} data-outlets={outlets}>
              <output className="listeners__total-value num" aria-live="off">
                {covered === 0 ? '—' : formatCount(reading.total)}
              </output>
              <span className="listeners__total-label">{describeTotal(reading)}</span>
            </div>
            <dl className="listeners__stats">
              <div className="listeners__stat">
                <dt>Peak</dt>
                <dd className="num" data-testid="listener-peak">
                  {formatCount(reading.peak)}
                  <span className="faint">{reading.peakAt === null ? '—' : formatClockTime(reading.peakAt)}</span>
                </dd>
              </div>
              <div className="listeners__stat">
                <dt>Listeners (est.)</dt>
                <dd className="num" data-testid="listener-unique">
                  {reading.uniqueEstimate === null ? '—' : formatCount(reading.uniqueEstimate)}
                  <span className="faint">
                    {reading.uniqueEstimate === null
                      ? 'needs the servers’ credentials'
                      : `told apart by address and player, on ${reading.uniqueCoveredOutlets} server${reading.uniqueCoveredOutlets === 1 ? '' : 's'}`}
                  </span>
                </dd>
              </div>
            </dl>
          </div>
          <div className="listeners__history">
            <ListenerSparkline series={series} span={formatSpan(spanMs)} />
            <div className="listeners__history-axis faint num">
              <span>{series.values.length > 0 ? `${formatSpan(spanMs)} ago` : ''}</span>
              <span>now</span>
            </div>
          </div>
          <ul className="listeners__outlets" aria-label="Outlets">
            {reading.outlets.map((outlet) => (
              <OutletRow key={outlet.id} outlet={outlet} />
            ))}
          </ul>
        </div>
      )}
    </Panel>
  );
}
