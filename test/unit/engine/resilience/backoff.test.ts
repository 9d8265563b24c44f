import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../../electron/engine/resilience/backoff';
import { FakeClock } from '../../../fakes/fake-clock';

const make = (random: () => number, clock = new FakeClock()): { backoff: Backoff; clock: FakeClock } => ({
  backoff: new Backoff({ baseMs: 250, factor: 2, capMs: 1000, resetAfterMs: 60_000, random, clock }),
  clock,
});

describe('Backoff (full jitter)', () => {
  it('draws each delay uniformly below a window that doubles from the base up to the cap', () => {
    const top = make(() => 0.999_999).backoff;
    expect([top.failed(), top.failed(), top.failed(), top.failed(), top.failed()]).toEqual([249, 499, 999, 999, 999]);
    const middle = make(() => 0.5).backoff;
    expect([middle.failed(), middle.failed(), middle.failed(), middle.failed()]).toEqual([125, 250, 500, 500]);
    const bottom = make(() => 0).backoff;
    expect([bottom.failed(), bottom.failed(), bottom.failed()]).toEqual([0, 0, 0]);
  });

  it('never leaves [0, cap) whatever the random source returns', () => {
    const values = [-1, 0, 0.3, 0.99, 1, 2, Number.NaN];
    let index = 0;
    const { backoff } = make(() => values[index++ % values.length] ?? 0);
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const delay = backoff.failed();
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(1000);
    }
  });

  it('keeps growing after a short-lived connection and resets after a stable minute', () => {
    const { backoff, clock } = make(() => 0.5);
    backoff.failed();
    backoff.failed();
    expect(backoff.windowMs()).toBe(1000);
    backoff.connected();
    clock.advance(59_999);
    expect(backoff.failed()).toBe(500); // up for less than a minute: still at the cap
    backoff.connected();
    clock.advance(60_000);
    expect(backoff.failed()).toBe(125); // a stable minute: back to the base window
    expect(backoff.failures).toBe(1);
  });

  it('reset() starts over from the base window', () => {
    const { backoff } = make(() => 0.999);
    backoff.failed();
    backoff.failed();
    backoff.reset();
    expect(backoff.windowMs()).toBe(250);
  });

  it('rejects nonsense settings', () => {
    const clock = new FakeClock();
    expect(() => new Backoff({ baseMs: 0, random: Math.random, clock })).toThrow(RangeError);
    expect(() => new Backoff({ baseMs: 500, capMs: 100, random: Math.random, clock })).toThrow(RangeError);
    expect(() => new Backoff({ factor: 0.5, random: Math.random, clock })).toThrow(RangeError);
  });
});
