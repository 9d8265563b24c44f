import type { ReactNode } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ElapsedTime } from '../../components/elapsed-time';
import { formatClockTime } from '../../components/format';
import { selectProgramSummary } from '../../stores/broadcast-selectors';
import { useAppStore } from '../../stores/store-context';
import { formatKbps } from './program-format';
import { selectNextShowBitrate } from './show-control-view';

/** What is on air: since when, from which source, at which bitrate (and whether adaptive bitrate stepped it down). */
export function ProgramSummary(): ReactNode {
  const summary = useAppStore(useShallow(selectProgramSummary));
  const nextShowKbps = useAppStore(selectNextShowBitrate);
  if (!summary) return null;
  const steppedDown = summary.bitrateKbps < summary.configuredBitrateKbps;
  return (
    <dl className="program-summary" data-testid="program-summary">
      <div className="program-summary__item program-summary__clock" data-status={summary.status}>
        <dt>{summary.status === 'stopping' ? 'Stopping · on air for' : 'On air for'}</dt>
        <dd>
          <ElapsedTime key={summary.startedAt} since={summary.startedAt} className="program-summary__timer" />
          <span className="program-summary__sub faint num">since {formatClockTime(summary.startedAt)}</span>
        </dd>
      </div>
      <div className="program-summary__item">
        <dt>Source</dt>
        <dd>
          <span className="program-summary__value truncate" title={summary.source}>
            {summary.source}
          </span>
          <span className="program-summary__sub faint">Opus · {summary.channels === 2 ? 'stereo' : 'mono'} · 48 kHz</span>
        </dd>
      </div>
      <div className="program-summary__item" data-stepped-down={steppedDown} data-testid="program-bitrate">
        <dt>Bitrate</dt>
        <dd>
          <span className="program-summary__value num">
            {formatKbps(summary.bitrateKbps)}
            {steppedDown ? <span className="program-summary__step"> of {formatKbps(summary.configuredBitrateKbps)}</span> : null}
          </span>
          <span className="program-summary__sub">
            {steppedDown ? (
              <span className="program-summary__warn">Stepped down: uplink too slow</span>
            ) : nextShowKbps === null ? (
              <span className="faint">As configured</span>
            ) : (
              <span className="faint" data-testid="program-bitrate-next">
                As configured for this show · Settings: {formatKbps(nextShowKbps)} from the next show
              </span>
            )}
          </span>
        </dd>
      </div>
    </dl>
  );
}
