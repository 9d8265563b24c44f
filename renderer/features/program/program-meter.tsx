import type { CSSProperties, ReactNode } from 'react';
import { formatCount } from '../../components/format';
import { selectMeter } from '../../stores/broadcast-selectors';
import { selectIsStale } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';
import { formatDbfs, meterFraction } from './program-format';

/** The meter's scale, dBFS. */
const FLOOR_DBFS = -50;
const SCALE_MARKS = [-50, -40, -30, -20, -10, -6, -3, 0];

/**
 * The program level: peak and RMS bars on a −50…0 dBFS scale, a peak-hold mark, clip and silence.
 * It alone selects the meters, so ten updates a second redraw only this component; the bars move
 * by transform, so nothing else is laid out again.
 */
export function ProgramMeter(): ReactNode {
  const meter = useAppStore(selectMeter);
  const stale = useAppStore(selectIsStale);
  const clipped = meter?.clippedSamples ?? 0;

  return (
    <div className="program-meter" data-stale={stale || meter === null} aria-label="Program level" role="group">
      <div className="program-meter__head">
        <span className="eyebrow">Program level</span>
        <span className="program-meter__flags">
          <span
            className="meter-flag"
            data-flag="silence"
            data-active={meter?.silent ?? false}
            data-testid="meter-silence"
            aria-hidden={!meter?.silent}
          >
            Silence
          </span>
          <span
            className="meter-flag"
            data-flag="clip"
            data-active={meter?.clipping ?? false}
            data-count={clipped > 0}
            data-testid="meter-clip"
            role="status"
            aria-label={clipped === 0 ? 'No clipping' : `Clipping: ${formatCount(clipped)} samples at full scale`}
          >
            Clip <span className="num">{formatCount(clipped)}</span>
          </span>
        </span>
      </div>
      <LevelBar kind="peak" label="Peak" dbfs={meter?.peakDbfs ?? null} holdDbfs={meter?.peakHoldDbfs ?? null} />
      <LevelBar kind="rms" label="RMS" dbfs={meter?.rmsDbfs ?? null} holdDbfs={null} />
      <div className="level-scale" aria-hidden="true">
        <span />
        <span className="level-scale__track">
          {SCALE_MARKS.map((mark) => (
            <span
              key={mark}
              className="level-scale__mark"
              data-edge={mark === 0 ? 'end' : mark === FLOOR_DBFS ? 'start' : undefined}
              style={{ left: `${meterFraction(mark) * 100}%` }}
            >
              {mark === 0 ? '0' : `−${Math.abs(mark)}`}
            </span>
          ))}
        </span>
        <span className="level-scale__unit">dBFS</span>
      </div>
      {stale && meter ? <p className="program-meter__stale faint">Last level received; the bridge is down.</p> : null}
    </div>
  );
}

function LevelBar({
  kind,
  label,
  dbfs,
  holdDbfs,
}: {
  kind: 'peak' | 'rms';
  label: string;
  dbfs: number | null;
  holdDbfs: number | null;
}): ReactNode {
  const fraction = dbfs === null ? 0 : meterFraction(dbfs, FLOOR_DBFS);
  const hold = holdDbfs === null ? null : meterFraction(holdDbfs, FLOOR_DBFS);
  const coverStyle: CSSProperties = { transform: `scaleX(${(1 - fraction).toFixed(4)})` };
  return (
    <div className="level-row" data-kind={kind}>
      <span className="level-row__label">{label}</span>
      <div
        className="level-bar"
        role="meter"
        aria-label={`Program ${label === 'RMS' ? 'RMS' : 'peak'} level`}
        aria-valuemin={FLOOR_DBFS}
        aria-valuemax={0}
        aria-valuenow={dbfs === null ? FLOOR_DBFS : Math.max(FLOOR_DBFS, Math.min(0, Math.round(dbfs * 10) / 10))}
        aria-valuetext={dbfs === null ? 'No level' : `${formatDbfs(dbfs)} dBFS`}
        data-testid={kind === 'peak' ? 'meter-peak' : 'meter-rms'}
        data-dbfs={dbfs === null ? undefined : dbfs.toFixed(1)}
      >
        <span className="level-bar__zones" />
        <span className="level-bar__cover" style={coverStyle} />
        {hold === null || hold <= 0 ? null : (
          <span className="level-bar__hold" style={{ transform: `translateX(${(hold * 100).toFixed(2)}%)` }} />
        )}
        <span className="level-bar__segments" />
      </div>
      <span className="level-row__value num">{dbfs === null ? '—' : formatDbfs(dbfs)}</span>
    </div>
  );
}
