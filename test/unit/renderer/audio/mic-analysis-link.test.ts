import { describe, expect, it } from 'vitest';
import type { MicReport } from '../../../../electron/shared/mic-report';
import {
  MicAnalysisLink,
  type AttachMicAnalysisOptions,
  type MicAnalysisHandle,
  type MicAnalysisTaps,
} from '../../../../renderer/audio/mic-analysis/attach';
import { deferred, settle } from '../../../support/renderer-test-support';

/*
 * The media layer's handle on the analysis: one tap at a time, stopped taps stay stopped (even one
 * that was still attaching), a failed attach is not fatal, and `onReport(null)` says it ended.
 * Web Audio itself runs in test/integration/mic-analysis-browser.test.ts.
 */

const taps = {} as MicAnalysisTaps;
const report: MicReport = { at: 1, levelDbfs: -30, peakDbfs: -10, voice: 'speech', speechProbability: 1, echoScore: 0, echoDelayMs: null };

/** A fake attach: records each call; the test resolves or fails it. */
function fakeAttach(): {
  attach: (options: AttachMicAnalysisOptions) => Promise<MicAnalysisHandle>;
  calls: { options: AttachMicAnalysisOptions; done: ReturnType<typeof deferred<MicAnalysisHandle>>; stopped: () => boolean }[];
} {
  const calls: ReturnType<typeof fakeAttach>['calls'] = [];
  return {
    calls,
    attach(options) {
      const done = deferred<MicAnalysisHandle>();
      let stopped = false;
      calls.push({ options, done, stopped: () => stopped });
      return done.promise.then((handle) => ({ ...handle, stop: () => void (stopped = true) }));
    },
  };
}

const handle: MicAnalysisHandle = { vadLoaded: true, stop: () => undefined };

describe('MicAnalysisLink', () => {
  it('attaches once while running, forwards reports, and says null when stopped', async () => {
    const received: (MicReport | null)[] = [];
    const fake = fakeAttach();
    const link = new MicAnalysisLink((each) => received.push(each), {}, fake.attach);
    link.start(taps);
    link.start(taps);
    expect(fake.calls).toHaveLength(1);
    fake.calls[0]?.done.resolve(handle);
    await settle();
    fake.calls[0]?.options.onReport(report);
    expect(received).toEqual([report]);
    link.stop();
    expect(fake.calls[0]?.stopped()).toBe(true);
    // A report already in flight from the old tap is dropped.
    fake.calls[0]?.options.onReport(report);
    expect(received).toEqual([report, null]);
    expect(link.running).toBe(false);
  });

  it('stops a tap that finishes attaching after it was stopped', async () => {
    const received: (MicReport | null)[] = [];
    const fake = fakeAttach();
    const link = new MicAnalysisLink((each) => received.push(each), {}, fake.attach);
    link.start(taps);
    link.stop();
    fake.calls[0]?.done.resolve(handle);
    await settle();
    expect(fake.calls[0]?.stopped()).toBe(true);
    expect(received).toEqual([null]);
    // Started again: a new tap.
    link.start(taps);
    expect(fake.calls).toHaveLength(2);
  });

  it('survives a failed attach and can start again', async () => {
    const fake = fakeAttach();
    const link = new MicAnalysisLink(() => undefined, {}, fake.attach);
    link.start(taps);
    fake.calls[0]?.done.reject(new Error('no AudioWorklet here'));
    await settle();
    expect(link.running).toBe(false);
    link.start(taps);
    expect(fake.calls).toHaveLength(2);
  });
});
