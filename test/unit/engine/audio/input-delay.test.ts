import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../electron/shared/contract';
import { InputDelayMeter } from '../../../../electron/engine/audio/input-delay';
import { Engine } from '../../../../electron/engine/engine';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { encodePcmFrame, PCM_FRAME_LENGTH } from '../../../../electron/shared/pcm-frame';
import { addLogSink, type LogRecord } from '../../../../electron/engine/log/logger';
import { FakeClock } from '../../../fakes/fake-clock';
import { FakeProber } from '../../../fakes/fake-prober';

describe('InputDelayMeter', () => {
  it('summarises each full window as its median and worst, and says nothing in between', () => {
    const meter = new InputDelayMeter(5);
    expect([10, 20, 30, 40].map((delay) => meter.add(delay))).toEqual([null, null, null, null]);
    expect(meter.add(900)).toEqual({ medianMs: 30, maxMs: 900 });
    // The next window starts empty: the late frame of the last one does not carry over.
    for (const delay of [5, 5, 5, 5]) meter.add(delay);
    expect(meter.add(6)).toEqual({ medianMs: 5, maxMs: 6 });
  });

  it('ignores frames without a usable time and counts a clock that runs ahead as no delay', () => {
    const meter = new InputDelayMeter(3);
    expect(meter.add(Number.NaN)).toBeNull();
    expect(meter.add(Number.POSITIVE_INFINITY)).toBeNull();
    meter.add(-40);
    meter.add(-10);
    expect(meter.add(12)).toEqual({ medianMs: 0, maxMs: 12 });
  });

  it('forgets a partial window on reset', () => {
    const meter = new InputDelayMeter(3);
    meter.add(1000);
    meter.add(1000);
    meter.reset();
    meter.add(1);
    meter.add(2);
    expect(meter.add(3)).toEqual({ medianMs: 2, maxMs: 3 });
  });
});

describe('Engine input delay', () => {
  const records: LogRecord[] = [];
  const removeSink = addLogSink((record) => records.push(record));
  afterEach(() => {
    records.length = 0;
  });
  afterAll(removeSink);
  const makeEngine = (): { engine: Engine; clock: FakeClock; events: EngineEvent[] } => {
    const clock = new FakeClock();
    const engine = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({}),
      clock,
      prober: new FakeProber(),
    });
    const events: EngineEvent[] = [];
    engine.subscribe((event) => events.push(event));
    return { engine, clock, events };
  };

  /** Sends one second of frames, each arriving `lateMs` after its capture time. */
  const sendSecond = (engine: Engine, clock: FakeClock, lateMs: number, firstSequence: number): void => {
    for (let index = 0; index < 50; index += 1) {
      clock.advance(20);
      const frame = encodePcmFrame({
        channels: 2,
        sampleRate: 48_000,
        sequence: firstSequence + index,
        captureTime: clock.now() - lateMs,
        samples: new Float32Array(PCM_FRAME_LENGTH * 2),
      });
      expect(engine.acceptPcm(frame)).toBe(true);
    }
  };

  it('puts the window-to-engine delay in the state and warns in the log while it is late', () => {
    const { engine, clock, events } = makeEngine();
    expect(engine.getState().audio.inputDelay ?? null).toBeNull();

    sendSecond(engine, clock, 40, 0);
    expect(engine.getState().audio.inputDelay).toEqual({ medianMs: 40, maxMs: 40 });
    const warnings = (): string[] =>
      records.flatMap((record) =>
        record.scope === 'engine' && record.level === 'warn' && /late/.test(record.message) ? [record.message] : [],
      );
    expect(warnings()).toEqual([]);

    const statesBefore = events.filter((event) => event.channel === 'engine:state').length;
    sendSecond(engine, clock, 800, 50);
    expect(engine.getState().audio.inputDelay).toEqual({ medianMs: 800, maxMs: 800 });
    // A jump of the delay goes to the UIs at once, not with some later change.
    expect(events.filter((event) => event.channel === 'engine:state').length).toBeGreaterThan(statesBefore);
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatch(/800 ms late/);

    // Still late a second later: no second warning within the quiet period.
    sendSecond(engine, clock, 800, 100);
    expect(warnings()).toHaveLength(1);
  });
});
