import { memo, useMemo, type ReactNode } from 'react';
import type { ListenerSeries } from '../../stores/listeners-slice';

/** Drawing units of the sparkline's viewBox; the SVG scales to its box without re-layout. */
const WIDTH = 300;
const HEIGHT = 56;
const TOP_PAD = 4;

/** Paths of a sparkline: a line and a filled area per run of read points (gaps stay gaps). */
export interface SparklinePaths {
  readonly line: string;
  readonly area: string;
  readonly max: number;
}

/**
 * Builds the paths for at most MAX_SPARKLINE_POINTS points, scaled to the series' highest value.
 * Pure and bounded: the component memoizes it per series, so a reading that changes nothing drawn
 * (same series object) costs nothing.
 */
export function sparklinePaths(values: readonly (number | null)[]): SparklinePaths {
  let max = 0;
  for (const value of values) if (value !== null && value > max) max = value;
  const scale = max > 0 ? (HEIGHT - TOP_PAD) / (max * 1.08) : 0;
  const step = values.length > 1 ? WIDTH / (values.length - 1) : 0;
  const line: string[] = [];
  const area: string[] = [];
  let run: string[] = [];
  let runStartX = 0;
  let lastX = 0;
  const closeRun = (): void => {
    if (run.length === 0) return;
    line.push(`M${run.join('L')}`);
    area.push(`M${runStartX},${HEIGHT}L${run.join('L')}L${lastX},${HEIGHT}Z`);
    run = [];
  };
  values.forEach((value, index) => {
    if (value === null) {
      closeRun();
      return;
    }
    const x = values.length > 1 ? index * step : WIDTH;
    const y = HEIGHT - value * scale;
    if (run.length === 0) runStartX = x;
    run.push(`${round(x)},${round(y)}`);
    lastX = round(x);
  });
  closeRun();
  return { line: line.join(''), area: area.join(''), max };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

/** The show's total over time as an inline SVG; a fixed box so updates never shift the layout. */
export const ListenerSparkline = memo(function ListenerSparkline({ series, span }: { series: ListenerSeries; span: string }): ReactNode {
  const paths = useMemo(() => sparklinePaths(series.values), [series.values]);
  const label =
    series.values.length === 0 ? 'No listener history yet' : `Listeners over the last ${span}, highest ${paths.max.toLocaleString()}`;
  return (
    <figure className="listener-sparkline" data-testid="listener-sparkline" data-points={series.values.length}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={label}>
        <line className="listener-sparkline__base" x1="0" y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} />
        {paths.area ? <path className="listener-sparkline__area" d={paths.area} /> : null}
        {paths.line ? <path className="listener-sparkline__line" d={paths.line} /> : null}
      </svg>
      {paths.max > 0 ? (
        <figcaption className="listener-sparkline__max" aria-hidden="true">
          max {paths.max.toLocaleString()}
        </figcaption>
      ) : null}
    </figure>
  );
});
