import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { analyseRehearsal, mixDown, type RehearsalFigures } from '../../../../renderer/audio/rehearsal-analysis';
import type { MicrophoneCapture } from '../../../../renderer/audio/microphone';
import {
  RehearsalError,
  type RehearsalRecorder,
  type RehearsalSession,
  type RehearsalTake,
} from '../../../../renderer/audio/rehearsal-recorder';
import { judgeMicLevel, MIC_CLIPPING_PEAK_DBFS } from '../../../../renderer/audio/mic-level-verdict';
import { MIC_WARNING_MESSAGES } from '../../../../renderer/audio/mic-analysis/mic-warning';
import { PreflightDialog } from '../../../../renderer/features/preflight/preflight-dialog';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { isPreflightBlocked, preflightLines, REHEARSAL_MAX_MS, selectPreflightInput } from '../../../../renderer/stores/preflight-slice';
import { FakeBridge } from '../../../fakes/fake-bridge';
import { deferred, render, settle } from '../../../support/renderer-test-support';

const RATE = 48_000;

/** `seconds` of a sine at `amplitude`, then `silence` seconds of nothing. */
function tone(seconds: number, amplitude: number, silence = 0): Float32Array {
  const samples = new Float32Array(Math.round((seconds + silence) * RATE));
  for (let index = 0; index < seconds * RATE; index += 1) samples[index] = amplitude * Math.sin((2 * Math.PI * 440 * index) / RATE);
  return samples;
}

describe('rehearsal analysis', () => {
  it('measures the talking, not the pauses: a −20 dBFS sine with long silences still reads about −23 dBFS RMS', () => {
    const figures = analyseRehearsal(tone(2, 0.1, 6), RATE);
    expect(figures.durationMs).toBeCloseTo(8000, 0);
    expect(figures.peakDb).toBeCloseTo(-20, 0);
    expect(figures.talkDb).toBeCloseTo(-23, 0);
    expect(figures.clippedShare).toBe(0);
  });

  it('counts clipped samples and reads digital silence at the floor', () => {
    expect(analyseRehearsal(tone(1, 1.5), RATE).clippedShare).toBeGreaterThan(0.5);
    const silent = analyseRehearsal(new Float32Array(RATE), RATE);
    expect(silent.peakDb).toBe(-100);
    expect(silent.talkDb).toBe(-100);
    expect(analyseRehearsal(new Float32Array(0), RATE)).toMatchObject({ durationMs: 0, clippedShare: 0 });
  });

  it('mixes channels down to one', () => {
    expect([...mixDown([Float32Array.of(1, 0), Float32Array.of(0, 1)])]).toEqual([0.5, 0.5]);
    expect(mixDown([])).toHaveLength(0);
  });
});

/** A recorder that takes what a test hands it: the window's MediaRecorder is exercised in the e2e. */
class ScriptedRecorder implements RehearsalRecorder {
  readonly starts: (MicrophoneCapture & { maxMs: number })[] = [];
  readonly released: string[] = [];
  stops = 0;
  opened = deferred<undefined>();
  take = deferred<RehearsalTake>();
  async start(capture: MicrophoneCapture, maxMs: number): Promise<RehearsalSession> {
    this.starts.push({ ...capture, maxMs });
    await this.opened.promise;
    return { stop: () => (this.stops += 1), done: this.take.promise };
  }
  release(url: string): void {
    this.released.push(url);
  }
}

const figures = (part: Partial<RehearsalFigures>): RehearsalFigures => ({
  durationMs: 12_300,
  peakDb: -6,
  talkDb: -22,
  clippedShare: 0,
  ...part,
});

async function setup(recorder?: RehearsalRecorder): Promise<AppStore> {
  let clock = 1000;
  const bridge = new FakeBridge();
  bridge.handle('preflight:network', () => ({ checkedAt: 1, lines: [] }));
  const store = createAppStore({
    now: () => (clock += 500),
    randomNonce: () => 'nonce',
    setTimer: () => () => undefined,
    ...(recorder ? { rehearsal: recorder } : {}),
    bridge: bridge.binding(),
  });
  await settle();
  store.getState().openPreflight();
  await settle();
  return store;
}

const rehearsalLine = (store: AppStore) => preflightLines(selectPreflightInput(store.getState())).find((line) => line.id === 'rehearsal');

describe('the preflight rehearsal line', () => {
  it('records on the chosen microphone, stops on request, and passes a take at a talking level', async () => {
    const recorder = new ScriptedRecorder();
    const store = await setup(recorder);
    store.setState({ microphone: { ...store.getState().microphone, selectedId: 'usb-mic' } });
    expect(rehearsalLine(store)).toMatchObject({ verdict: 'warn', detail: expect.stringMatching(/Not recorded yet/) as unknown });

    const recording = store.getState().startRehearsal();
    expect(rehearsalLine(store)?.verdict).toBe('checking');
    recorder.opened.resolve(undefined);
    await settle();
    // With the processing the show captures with (the defaults: this engine state carries no saved settings).
    expect(recorder.starts).toEqual([
      {
        deviceId: 'usb-mic',
        processing: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
        maxMs: REHEARSAL_MAX_MS,
      },
    ]);
    expect(store.getState().preflight.rehearsal.status).toBe('recording');
    expect(render(store, createElement(PreflightDialog))).toContain('data-testid="rehearsal-stop"');

    store.getState().stopRehearsal();
    expect(recorder.stops).toBe(1);
    expect(rehearsalLine(store)?.detail).toMatch(/Measuring/);
    recorder.take.resolve({ url: 'blob:take-1', figures: figures({}) });
    await recording;
    expect(rehearsalLine(store)).toMatchObject({ verdict: 'pass', figure: '12 s · -22 dBFS' });
    const html = render(store, createElement(PreflightDialog));
    expect(html).toMatch(/<audio[^>]*src="blob:take-1"/);
    expect(html).toContain('Record again');
  });

  it('judges the take: silent fails (and blocks going live), clipping and a quiet voice are warnings', async () => {
    const cases: [Partial<RehearsalFigures>, string, RegExp][] = [
      [{ peakDb: -80, talkDb: -90 }, 'fail', /silent/],
      [{ clippedShare: 0.01 }, 'warn', /clips/],
      [{ peakDb: -35, talkDb: -48 }, 'warn', /quiet/],
    ];
    for (const [part, verdict, detail] of cases) {
      const recorder = new ScriptedRecorder();
      const store = await setup(recorder);
      recorder.opened.resolve(undefined);
      recorder.take.resolve({ url: 'blob:x', figures: figures(part) });
      await store.getState().startRehearsal();
      expect(rehearsalLine(store)?.verdict).toBe(verdict);
      expect(rehearsalLine(store)?.detail).toMatch(detail);
      expect(isPreflightBlocked(store.getState())).toBe(verdict === 'fail');
    }
  });

  it('says what to do when the microphone cannot be opened', async () => {
    const store = await setup({
      start: () =>
        Promise.reject(
          new RehearsalError('Steadycast may not use the microphone: allow it in your system or browser settings, then record again.'),
        ),
      release: () => undefined,
    });
    await store.getState().startRehearsal();
    expect(rehearsalLine(store)).toMatchObject({ verdict: 'fail', detail: expect.stringMatching(/allow it in your system/) as unknown });
    const without = await setup();
    await without.getState().startRehearsal();
    expect(rehearsalLine(without)?.detail).toMatch(/cannot record audio/);
  });

  it('closing the preflight stops the recording and frees the take; a take that finishes after closing is freed too', async () => {
    const recorder = new ScriptedRecorder();
    const store = await setup(recorder);
    recorder.opened.resolve(undefined);
    recorder.take.resolve({ url: 'blob:kept', figures: figures({}) });
    await store.getState().startRehearsal();
    store.getState().closePreflight();
    expect(recorder.released).toEqual(['blob:kept']);
    expect(store.getState().preflight.rehearsal.status).toBe('idle');

    const late = new ScriptedRecorder();
    const again = await setup(late);
    late.opened.resolve(undefined);
    const recording = again.getState().startRehearsal();
    await settle();
    again.getState().closePreflight();
    expect(late.stops).toBe(1);
    late.take.resolve({ url: 'blob:late', figures: figures({}) });
    await recording;
    expect(late.released).toEqual(['blob:late']);
    expect(again.getState().preflight.rehearsal.status).toBe('idle');
  });
});

describe('one judgement of the microphone level', () => {
  it('calls a level silent, too quiet, too loud or fine by the same thresholds for a take and a live peak', () => {
    expect(judgeMicLevel({ peakDb: -80, talkDb: -90, clippedShare: 0 })).toBe('silent');
    expect(judgeMicLevel({ peakDb: -35, talkDb: -48, clippedShare: 0 })).toBe('too-quiet');
    expect(judgeMicLevel({ peakDb: 0, talkDb: -10, clippedShare: 0.01 })).toBe('too-loud');
    expect(judgeMicLevel({ peakDb: -6, talkDb: -22, clippedShare: 0 })).toBe('ok');
    // A live meter has only its peak: the clipping threshold of the Conversation panel's "Too loud".
    expect(judgeMicLevel({ peakDb: MIC_CLIPPING_PEAK_DBFS, talkDb: null, clippedShare: null })).toBe('too-loud');
    expect(judgeMicLevel({ peakDb: -12, talkDb: null, clippedShare: null })).toBe('ok');
    // A take's clipped samples are counted at that same level.
    expect(analyseRehearsal(tone(1, 10 ** (MIC_CLIPPING_PEAK_DBFS / 20) + 0.001), RATE).clippedShare).toBeGreaterThan(0.001);
  });
});

const microphoneLine = (store: AppStore) => preflightLines(selectPreflightInput(store.getState())).find((line) => line.id === 'microphone');

describe('the preflight microphone line', () => {
  it('checks the microphone through the rehearsal, without joining the room', async () => {
    const recorder = new ScriptedRecorder();
    const store = await setup(recorder);
    expect(microphoneLine(store)).toMatchObject({ verdict: 'warn', detail: expect.stringMatching(/record a rehearsal/) as unknown });
    expect(microphoneLine(store)?.detail).not.toMatch(/join/);
    const recording = store.getState().startRehearsal();
    recorder.opened.resolve(undefined);
    await settle();
    expect(microphoneLine(store)?.verdict).toBe('checking');
    recorder.take.resolve({ url: 'blob:take', figures: figures({}) });
    await recording;
    expect(microphoneLine(store)).toMatchObject({ verdict: 'pass', figure: 'peak -6 dBFS' });
  });

  it('agrees with the rehearsal and the Conversation panel: a take that clips, or the panel\'s "Too loud", is too loud here', async () => {
    const recorder = new ScriptedRecorder();
    const store = await setup(recorder);
    recorder.opened.resolve(undefined);
    recorder.take.resolve({ url: 'blob:loud', figures: figures({ peakDb: 0, clippedShare: 0.01 }) });
    await store.getState().startRehearsal();
    expect(microphoneLine(store)).toMatchObject({ verdict: 'warn', detail: expect.stringMatching(/^Too loud/) as unknown });
    expect(rehearsalLine(store)?.detail).toMatch(/Too loud/);

    // Joined, a peak that looks fine, but the Conversation panel warns of clipping: the preflight says the same.
    const joined = await setup();
    joined.setState({
      microphone: { ...joined.getState().microphone, activeLabel: 'Fake mic', levelDb: -20 },
      micCheck: { report: null, warning: { kind: 'clipping', message: MIC_WARNING_MESSAGES.clipping } },
    });
    expect(microphoneLine(joined)).toMatchObject({ verdict: 'warn', detail: expect.stringMatching(/^Too loud/) as unknown });
    joined.setState({ micCheck: { report: null, warning: null } });
    expect(microphoneLine(joined)?.verdict).toBe('pass');
  });
});
