import { describe, expect, it } from 'vitest';
import { StrayMicDetector, type DetectorParticipant } from '../../../../electron/engine/moderation/stray-mic-detector';
import type { MicReport, MicVoice } from '../../../../electron/shared/mic-report';
import { FakeClock } from '../../../fakes/fake-clock';

const REPORT_MS = 200;

function report(voice: MicVoice, overrides: Partial<MicReport> = {}): MicReport {
  const loud = voice !== 'silence';
  return {
    at: 0,
    levelDbfs: loud ? -25 : -90,
    peakDbfs: loud ? -12 : -80,
    voice,
    speechProbability: voice === 'speech' ? 0.9 : 0.05,
    echoScore: 0,
    echoDelayMs: null,
    ...overrides,
  };
}

const cohost = (overrides: Partial<DetectorParticipant> = {}): DetectorParticipant => ({
  id: 'c',
  muted: false,
  talking: false,
  onStage: true,
  ...overrides,
});

/** Feeds `make(i)` every 200 ms for `ms`, evaluating after each report; returns the flag kinds after each step. */
function run(
  detector: StrayMicDetector,
  clock: FakeClock,
  ms: number,
  make: (step: number) => MicReport | null,
  participant: DetectorParticipant = cohost(),
): string[][] {
  const seen: string[][] = [];
  for (let step = 0; step * REPORT_MS < ms; step += 1) {
    clock.advance(REPORT_MS);
    const next = make(step);
    if (next !== null) detector.observe(participant.id, next, clock.now());
    seen.push((detector.evaluate([participant], clock.now()).get(participant.id) ?? []).map((flag) => flag.kind));
  }
  return seen;
}

describe('stray-mic detector', () => {
  it('flags steady noise on an open microphone after 5 s, not before, with the reason', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector({ reportLeadMs: 0 });
    const seen = run(detector, clock, 6000, () => report('noise'));
    const firstFlag = seen.findIndex((kinds) => kinds.includes('noise'));
    expect(firstFlag * REPORT_MS + REPORT_MS).toBeGreaterThan(5000);
    expect(firstFlag * REPORT_MS + REPORT_MS).toBeLessThanOrEqual(5400);
    const flags = detector.evaluate([cohost()], clock.now()).get('c') ?? [];
    expect(flags[0]?.message).toMatch(/steady noise, not speech/);
  });

  it('never flags speech, silence, or a muted microphone carrying noise', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector();
    // A minute of speech with pauses (every fourth report is silence).
    expect(run(detector, clock, 60_000, (step) => report(step % 4 === 3 ? 'silence' : 'speech')).flat()).toEqual([]);
    expect(run(detector, clock, 20_000, () => report('noise'), cohost({ muted: true })).flat()).toEqual([]);
  });

  it('a cough of noise in speech does not flag; music and typing flag like noise, with their own words', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector();
    expect(run(detector, clock, 30_000, (step) => report(step % 10 < 3 ? 'noise' : 'speech')).flat()).toEqual([]);
    run(detector, clock, 5600, () => report('music'));
    expect(detector.evaluate([cohost()], clock.now()).get('c')?.[0]?.message).toMatch(/music/);
    const typing = new StrayMicDetector();
    run(typing, clock, 5600, () => report('typing'));
    expect(typing.evaluate([cohost()], clock.now()).get('c')?.[0]?.message).toMatch(/typing/);
  });

  it('clears a flag by itself 2 s after the cause stops, and at once when the microphone is muted', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector();
    run(detector, clock, 6000, () => report('noise'));
    const after = run(detector, clock, 3000, () => report('speech'));
    expect(after[0]).toContain('noise');
    expect(after.at(-1)).toEqual([]);
    const clearedAt = after.findIndex((kinds) => kinds.length === 0);
    expect((clearedAt + 1) * REPORT_MS).toBeGreaterThanOrEqual(2000);

    run(detector, clock, 6000, () => report('noise'));
    expect(detector.evaluate([cohost({ muted: true })], clock.now()).get('c')).toEqual([]);
  });

  it('counts a report-based hold from the start of the audio the first report judged', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector({ reportLeadMs: 600 });
    const seen = run(detector, clock, 6000, () => report('noise'));
    // 5 s of noise in the audio: 4.4 s after the first report that shows it (which judged the 0.6 s before it).
    expect((seen.findIndex((kinds) => kinds.includes('noise')) + 1) * REPORT_MS).toBe(4600);
  });

  it('flags echo when the echo score stays high for 2 s, and not for a brief peak', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector({ reportLeadMs: 0 });
    expect(run(detector, clock, 20_000, (step) => report('speech', { echoScore: step % 10 === 0 ? 0.9 : 0.1 })).flat()).toEqual([]);
    const seen = run(detector, clock, 3000, () => report('speech', { echoScore: 0.8, echoDelayMs: 120 }));
    expect(seen.findIndex((kinds) => kinds.includes('echo')) * REPORT_MS + REPORT_MS).toBeGreaterThanOrEqual(2000);
    expect(seen.at(-1)).toEqual(['echo']);
  });

  it('flags someone off stage (a producer) who becomes audible; a host on stage is not flagged', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector();
    const producer = cohost({ id: 'p', onStage: false });
    const seen = run(detector, clock, 1600, () => report('speech'), producer);
    expect(seen.at(-1)).toEqual(['off-stage']);
    // Janus's talking event alone (no report) is enough.
    const quietDetector = new StrayMicDetector();
    expect(run(quietDetector, clock, 1600, () => null, cohost({ id: 'q', onStage: false, talking: true })).at(-1)).toEqual(['off-stage']);
    expect(run(new StrayMicDetector(), clock, 5000, () => report('speech'), cohost({ id: 'h' })).flat()).toEqual([]);
  });

  it('stale reports are no evidence: a sender that went quiet on the channel is not flagged forever', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector();
    run(detector, clock, 6000, () => report('noise'));
    const after = run(detector, clock, 5000, () => null);
    expect(after.at(-1)).toEqual([]);
    expect(detector.latest('c', clock.now())).toBeNull();
  });

  it('keeps the self-unmuted flag for a while after the re-mute, then clears it', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector({ selfUnmutedMs: 10_000 });
    detector.markSelfUnmuted('c', clock.now());
    expect(
      detector
        .evaluate([cohost({ muted: true })], clock.now())
        .get('c')
        ?.map((flag) => flag.kind),
    ).toEqual(['self-unmuted']);
    clock.advance(10_001);
    expect(detector.evaluate([cohost({ muted: true })], clock.now()).get('c')).toEqual([]);
  });

  it('forgets participants who left the room', () => {
    const clock = new FakeClock();
    const detector = new StrayMicDetector();
    run(detector, clock, 6000, () => report('noise'));
    expect(detector.evaluate([], clock.now()).size).toBe(0);
    expect(detector.latest('c', clock.now())).toBeNull();
  });
});
