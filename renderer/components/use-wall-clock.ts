import { useEffect, useState } from 'react';

/**
 * Wall-clock ms, refreshed once a second while `alignTo` is set. Ticks fall on whole seconds
 * counted from `alignTo`, so a timer or countdown derived from it changes exactly when its value does.
 * Give the component a `key` of `alignTo` when it can change, so the first value is fresh.
 */
export function useWallClock(alignTo: number | null, periodMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (alignTo === null) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const schedule = (): void => {
      const into = (((Date.now() - alignTo) % periodMs) + periodMs) % periodMs;
      // A few ms past the boundary, so rounding never lands on the old value.
      timer = setTimeout(
        () => {
          setNow(Date.now());
          schedule();
        },
        periodMs - into + 5,
      );
    };
    schedule();
    return () => clearTimeout(timer);
  }, [alignTo, periodMs]);
  return now;
}
