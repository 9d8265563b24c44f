/*
 * Which stream the listen page tries next, and when: a pure rule the player follows.
 *
 * The page plays the first source (the primary). When a connection fails (refused, an HTTP error,
 * the stream ends, or no bytes for the stall time) it moves at once to the next source in order
 * (primary → backup → primary …), so the backup is tried within one connection attempt of the
 * primary failing. Only after every source has failed in a row without playing does it wait before
 * the next round: 250 ms, then doubling up to 5 s, so a space that is off air is not hammered.
 * Any audio played resets the count.
 */

/** The next attempt: which source, after how long. */
export interface NextAttempt {
  readonly index: number;
  readonly delayMs: number;
}

export const FIRST_ROUND_DELAY_MS = 250;
export const MAX_ROUND_DELAY_MS = 5000;

/** After `failuresInRow` failed attempts in a row (the last on `current`), the next attempt among `count` sources. */
export function nextAttempt(current: number, failuresInRow: number, count: number): NextAttempt {
  if (count < 1) throw new RangeError('the listen page needs at least one source');
  const index = (current + 1) % count;
  const rounds = Math.floor(failuresInRow / count);
  // A failure that completes a round (back to where this run of failures started) waits.
  const delayMs =
    failuresInRow > 0 && failuresInRow % count === 0 ? Math.min(MAX_ROUND_DELAY_MS, FIRST_ROUND_DELAY_MS * 2 ** (rounds - 1)) : 0;
  return { index, delayMs };
}
