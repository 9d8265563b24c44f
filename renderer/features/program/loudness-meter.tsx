import type { CSSProperties, ReactNode } from 'react';
import type { LoudnessMeters } from '../../../electron/shared/loudness';
import { selectMeter } from '../../stores/broadcast-selectors';
import { selectIsStale } from '../../stores/selectors';
import { useAppStore } from '../../stores/store-context';

/** The scale, LUFS: from well under a quiet programme to well over any streaming target. */
const FLOOR_LUFS = -40;
const TOP_LUFS = -4;
const SCALE_MARKS = [-40, -32, -23, -16, -9, -4];

/** The program's loudness as the meters event carries it (null before the first reading or from an engine without one). */
const selectLoudness = (state: Parameters<typeof selectMeter>[0]): LoudnessMeters | null => selectMeter(state)?.loudness ?? null;

const fractionOf = (lufs: number): number => Math.min(1, Math.max(0, (lufs - FLOOR_LUFS) / (TOP_LUFS - FLOOR_LUFS)));

/** A loudness or level with one decimal and a real minus sign; a dash when there is none. */
function formatLevel(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const rounded = Math.round(value * 10) / 10;
  return rounded < 0 ? `−${Math.abs(rounded).toFixed(1)}` : rounded.toFixed(1);
}

/**
 * Broadcast-style loudness meter (EBU R128) beside the peak meter: momentary and short-term bars on
 * a LUFS scale with the target marked, then integrated loudness, loudness range and true peak of
 * the show so far. It reads the program as it leaves the loudness chain: what the audience hears.
 */
export function LoudnessMeter(): ReactNode {
  const loudness = useAppStore(selectLoudness);
  const stale = useAppStore(selectIsStale);
  if (!loudness) return null;
  const { targetLufs, ceilingDbtp } = loudness;
  const overCeiling = ceilingDbtp !== null && loudness.truePeakDbtp !== null && loudness.truePeakDbtp > ceilingDbtp;
  // Zones around the target: on target ±1 LU green, up to 4 LU over amber, beyond red.
  const target = targetLufs ?? -16;
  const zones: CSSProperties = {
    background: `linear-gradient(to right, var(--ok) 0 ${fractionOf(target + 1) * 100}%, var(--warn) ${fractionOf(target + 1) * 100}% ${fractionOf(target + 4) * 100}%, var(--bad) ${fractionOf(target + 4) * 100}% 100%)`,
  };
  return (
    <div className="program-meter" data-stale={stale} aria-label="Program loudness" role="group" data-testid="loudness-meter">
      <div className="program-meter__head">
        <span className="eyebrow">Loudness (EBU R128)</span>
        <span className="program-meter__flags faint" style={{ fontSize: 11.5 }} data-testid="loudness-chain">
          {targetLufs === null
            ? 'Chain off'
            : `Target ${formatLevel(targetLufs)} LUFS · ceiling ${formatLevel(ceilingDbtp)} dBTP · leveller ${loudness.levellerGainDb > 0 ? '+' : ''}${formatLevel(loudness.levellerGainDb)} dB`}
        </span>
      </div>
      <LoudnessBar label="M" name="momentary" lufs={loudness.momentaryLufs} targetLufs={targetLufs} zones={zones} />
      <LoudnessBar label="S" name="short-term" lufs={loudness.shortTermLufs} targetLufs={targetLufs} zones={zones} />
      <div className="level-scale" aria-hidden="true">
        <span />
        <span className="level-scale__track">
          {SCALE_MARKS.map((mark) => (
            <span
              key={mark}
              className="level-scale__mark"
              data-edge={mark === TOP_LUFS ? 'end' : mark === FLOOR_LUFS ? 'start' : undefined}
              style={{ left: `${fractionOf(mark) * 100}%` }}
            >
              {`−${Math.abs(mark)}`}
            </span>
          ))}
        </span>
        <span className="level-scale__unit">LUFS</span>
      </div>
      <dl style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 18px', margin: 0, fontSize: 12.5 }}>
        <Figure label="Integrated" testId="loudness-integrated" value={`${formatLevel(loudness.integratedLufs)} LUFS`} />
        <Figure label="Range" testId="loudness-range" value={`${formatLevel(loudness.rangeLu)} LU`} />
        <Figure label="True peak" testId="loudness-true-peak" value={`${formatLevel(loudness.truePeakDbtp)} dBTP`} warn={overCeiling} />
      </dl>
    </div>
  );
}

function Figure({ label, value, testId, warn = false }: { label: string; value: string; testId: string; warn?: boolean }): ReactNode {
  return (
    <div style={{ display: 'flex', gap: 6, alignItems: 'baseline' }}>
      <dt className="faint">{label}</dt>
      <dd className="num" style={{ margin: 0, fontWeight: 650, color: warn ? 'var(--bad)' : undefined }} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

function LoudnessBar({
  label,
  name,
  lufs,
  targetLufs,
  zones,
}: {
  label: string;
  name: string;
  lufs: number | null;
  targetLufs: number | null;
  zones: CSSProperties;
}): ReactNode {
  const fraction = lufs === null ? 0 : fractionOf(lufs);
  return (
    <div className="level-row" data-kind="peak">
      <span className="level-row__label" title={name === 'momentary' ? 'Momentary (400 ms)' : 'Short-term (3 s)'}>
        {label}
      </span>
      <div
        className="level-bar"
        role="meter"
        aria-label={`Program ${name} loudness`}
        aria-valuemin={FLOOR_LUFS}
        aria-valuemax={TOP_LUFS}
        aria-valuenow={lufs === null ? FLOOR_LUFS : Math.max(FLOOR_LUFS, Math.min(TOP_LUFS, Math.round(lufs * 10) / 10))}
        aria-valuetext={lufs === null ? 'No reading' : `${formatLevel(lufs)} LUFS`}
        data-testid={`loudness-${name}`}
        data-lufs={lufs === null ? undefined : lufs.toFixed(1)}
      >
        <span className="level-bar__zones" style={zones} />
        <span className="level-bar__cover" style={{ transform: `scaleX(${(1 - fraction).toFixed(4)})` }} />
        <span className="level-bar__segments" />
        {targetLufs === null ? null : (
          <span
            data-testid={name === 'momentary' ? 'loudness-target-mark' : undefined}
            style={{
              position: 'absolute',
              top: 0,
              bottom: 0,
              left: `calc(${(fractionOf(targetLufs) * 100).toFixed(2)}% - 1px)`,
              width: 2,
              background: 'var(--text)',
            }}
          />
        )}
      </div>
      <span className="level-row__value num">{formatLevel(lufs)}</span>
    </div>
  );
}
