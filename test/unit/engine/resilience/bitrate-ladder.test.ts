import { describe, expect, it } from 'vitest';
import { BitrateLadder, type BitrateChange } from '../../../../electron/engine/resilience/bitrate-ladder';
import { FakeClock } from '../../../fakes/fake-clock';

/** Feeds `backlog(kbps)` every `stepMs` for `durationMs`, returns the changes. */
function run(
  ladder: BitrateLadder,
  clock: FakeClock,
  durationMs: number,
  backlog: (kbps: number) => number,
  stepMs = 100,
): BitrateChange[] {
  const changes: BitrateChange[] = [];
  for (let elapsed = 0; elapsed < durationMs; elapsed += stepMs) {
    clock.advance(stepMs);
    const change = ladder.update(backlog(ladder.kbps));
    if (change) changes.push(change);
  }
  return changes;
}

describe('BitrateLadder', () => {
  it('uses the configured bitrate as the top rung and only lower rungs below it', () => {
    const clock = new FakeClock();
    expect(new BitrateLadder({ configuredKbps: 128, clock }).rungs).toEqual([128, 96, 64, 48, 32]);
    expect(new BitrateLadder({ configuredKbps: 112, clock }).rungs).toEqual([112, 96, 64, 48, 32]);
    expect(new BitrateLadder({ configuredKbps: 40, clock }).rungs).toEqual([40, 32]);
    expect(new BitrateLadder({ configuredKbps: 256, rungsKbps: [64, 192, 64], clock }).rungs).toEqual([256, 192, 64]);
    expect(() => new BitrateLadder({ configuredKbps: 128, clock, upBacklogMs: 600, downBacklogMs: 500 })).toThrow(RangeError);
  });

  it('steps down one rung only after the backlog stayed high for the sustain time, and reports why', () => {
    const clock = new FakeClock();
    const events: BitrateChange[] = [];
    const ladder = new BitrateLadder({ configuredKbps: 128, clock, onChange: (change) => events.push(change) });
    expect(run(ladder, clock, 2900, () => 800)).toEqual([]);
    const changes = run(ladder, clock, 200, () => 800);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ from: 128, to: 96, reason: 'congested', backlogMs: 800 });
    expect(events).toEqual(changes);
    expect(ladder.kbps).toBe(96);
  });

  it('ignores spikes shorter than the sustain time', () => {
    const clock = new FakeClock();
    const ladder = new BitrateLadder({ configuredKbps: 128, clock });
    let tick = 0;
    const spiky = (): number => (tick++ % 25 < 20 ? 2000 : 0); // 2 s high, 0.5 s low, forever
    expect(run(ladder, clock, 120_000, spiky)).toEqual([]);
  });

  it('keeps stepping down under lasting congestion and stops at the lowest rung', () => {
    const clock = new FakeClock();
    const ladder = new BitrateLadder({ configuredKbps: 128, clock });
    const changes = run(ladder, clock, 60_000, () => 5000);
    expect(changes.map((change) => change.to)).toEqual([96, 64, 48, 32]);
    expect(ladder.kbps).toBe(32);
  });

  it('steps back up one rung per stable period, never while the backlog sits in the dead band', () => {
    const clock = new FakeClock();
    const ladder = new BitrateLadder({ configuredKbps: 128, clock, upStableMs: 30_000 });
    run(ladder, clock, 7000, () => 5000);
    expect(ladder.kbps).toBe(64);
    expect(run(ladder, clock, 120_000, () => 300)).toEqual([]); // between the thresholds: not stable
    const up = run(ladder, clock, 29_000, () => 0);
    expect(up).toEqual([]);
    const first = run(ladder, clock, 2000, () => 0);
    expect(first).toMatchObject([{ from: 64, to: 96, reason: 'recovered' }]);
    const rest = run(ladder, clock, 40_000, () => 0);
    expect(rest.map((change) => change.to)).toEqual([128]);
    expect(run(ladder, clock, 120_000, () => 0)).toEqual([]);
  });

  it('does not flap on a link that carries 64 kbit/s but not 96: failed step-ups double the wait', () => {
    const clock = new FakeClock();
    const ladder = new BitrateLadder({ configuredKbps: 128, clock, upStableMs: 30_000 });
    let aboveCapacityMs = 0;
    const changes: BitrateChange[] = [];
    for (let elapsed = 0; elapsed < 30 * 60_000; elapsed += 100) {
      clock.advance(100);
      if (ladder.kbps > 64) aboveCapacityMs += 100;
      const change = ladder.update(ladder.kbps > 64 ? 1500 : 0);
      if (change) changes.push(change);
    }
    const ups = changes.filter((change) => change.reason === 'recovered').map((change) => change.at);
    const gaps = ups.slice(1).map((at, index) => at - (ups[index] ?? 0));
    // Each failed probe of 96 kbit/s waits longer than the last, up to 8 × 30 s.
    for (let index = 1; index < gaps.length; index += 1) expect(gaps[index] ?? 0).toBeGreaterThanOrEqual(gaps[index - 1] ?? 0);
    expect(ladder.currentUpHoldMs).toBe(240_000);
    expect(changes.length).toBeLessThanOrEqual(20);
    expect(aboveCapacityMs / (30 * 60_000)).toBeLessThan(0.05);
    expect(ladder.kbps).toBe(64);
  });
});
