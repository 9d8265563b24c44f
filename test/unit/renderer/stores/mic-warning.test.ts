import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { MicReport, MicVoice } from '../../../../electron/shared/mic-report';
import { MIC_WARNING_MESSAGES, micWarning } from '../../../../renderer/audio/mic-analysis/mic-warning';
import { MicWarningNotice } from '../../../../renderer/features/conversation/mic-warning';
import { createAppStore } from '../../../../renderer/stores/app-store';
import { selectMicReport, selectMicWarning } from '../../../../renderer/stores/mic-check-slice';
import { FakeBridge } from '../../../fakes/fake-bridge';

/*
 * The speaker's own warning: raised only after its condition held for a while, kept up through a
 * short lapse, gone once the cause stopped; and how the store and the notice carry it.
 */

const T0 = 1_700_000_000_000;

/** One report every 200 ms from `segments` of [how many reports, what they say]. */
function timeline(segments: readonly [count: number, report: Partial<MicReport>][], start = T0): MicReport[] {
  const reports: MicReport[] = [];
  let at = start;
  for (const [count, overrides] of segments) {
    for (let i = 0; i < count; i += 1) {
      at += 200;
      reports.push({
        at,
        levelDbfs: -30,
        peakDbfs: -12,
        voice: 'speech',
        speechProbability: 0.9,
        echoScore: 0.02,
        echoDelayMs: null,
        ...overrides,
      });
    }
  }
  return reports;
}

const voice = (kind: MicVoice): Partial<MicReport> => ({ voice: kind, speechProbability: kind === 'speech' ? 0.9 : 0.05 });

/** micWarning after each report, as the app computes it live (kind or null). */
function live(reports: readonly MicReport[]): (string | null)[] {
  return reports.map((_, i) => micWarning(reports.slice(0, i + 1))?.kind ?? null);
}

describe('micWarning', () => {
  it('says nothing without reports or for a speaker who just speaks', () => {
    expect(micWarning([])).toBeNull();
    expect(micWarning(timeline([[40, voice('speech')]]))).toBeNull();
    expect(micWarning(timeline([[40, voice('silence')]]))).toBeNull();
  });

  it('warns of steady noise only after 3 s of it', () => {
    const kinds = live(
      timeline([
        [10, voice('speech')],
        [25, voice('noise')],
      ]),
    );
    // 3 s = 15 reports of noise: the 15th raises it, not the 14th.
    expect(kinds.slice(0, 24)).toEqual(Array(24).fill(null));
    expect(kinds[24]).toBe('noise');
    expect(
      micWarning(
        timeline([
          [10, voice('speech')],
          [15, voice('noise')],
        ]),
      ),
    ).toEqual({ kind: 'noise', message: MIC_WARNING_MESSAGES.noise });
  });

  it('keeps the warning through a short lapse and drops it 2 s after the noise stopped', () => {
    const kinds = live(
      timeline([
        [20, voice('noise')],
        [2, voice('speech')],
        [20, voice('noise')],
        [20, voice('silence')],
      ]),
    );
    // Up from the 15th report, through the two speech reports, on while the noise goes on.
    expect(kinds.slice(14, 42)).toEqual(Array(28).fill('noise'));
    // After the noise stops: still up for 2 s (10 reports), then gone for good.
    expect(kinds.slice(42, 52)).toEqual(Array(10).fill('noise'));
    expect(kinds.slice(52)).toEqual(Array(10).fill(null));
  });

  it('raises through an odd misjudged window, but not for noise that comes and goes', () => {
    expect(
      micWarning(
        timeline([
          [7, voice('noise')],
          [1, voice('speech')],
          [8, voice('noise')],
        ]),
      )?.kind,
    ).toBe('noise');
    const patchy = timeline(
      Array.from({ length: 8 }, (_, i) => [3, voice(i % 2 === 0 ? 'noise' : 'speech')] as [number, Partial<MicReport>]),
    );
    expect(live(patchy).every((kind) => kind === null)).toBe(true);
  });

  it('needs the span covered: a gap in the reports does not count as noise', () => {
    const before = timeline([[8, voice('noise')]]);
    const after = timeline([[8, voice('noise')]], (before.at(-1) as MicReport).at + 5000);
    expect(micWarning([...before, ...after])).toBeNull();
  });

  it('warns of music and typing in their own words', () => {
    expect(micWarning(timeline([[16, voice('music')]]))).toEqual({ kind: 'music', message: MIC_WARNING_MESSAGES.music });
    expect(micWarning(timeline([[16, voice('typing')]]))).toEqual({ kind: 'typing', message: MIC_WARNING_MESSAGES.typing });
  });

  it('warns of echo after 2 s over the threshold, first among all', () => {
    const echo = { echoScore: 0.5, echoDelayMs: 140 };
    const kinds = live(
      timeline([
        [5, {}],
        [12, echo],
      ]),
    );
    expect(kinds.slice(0, 14)).toEqual(Array(14).fill(null));
    expect(kinds[14]).toBe('echo');
    expect(
      micWarning(
        timeline([
          [12, {}],
          [20, { ...voice('noise'), ...echo }],
        ]),
      )?.message,
    ).toBe('Your microphone is picking up the room — use headphones, or turn your speakers down.');
    expect(micWarning(timeline([[20, { echoScore: 0.2 }]]))).toBeNull();
  });

  it('warns of clipping from a few clipped windows in 2 s', () => {
    expect(
      micWarning(
        timeline([
          [10, {}],
          [3, { peakDbfs: 0 }],
          [3, {}],
        ]),
      )?.kind,
    ).toBe('clipping');
    expect(
      micWarning(
        timeline([
          [10, {}],
          [1, { peakDbfs: 0 }],
          [3, {}],
        ]),
      ),
    ).toBeNull();
    expect(micWarning(timeline([[20, { peakDbfs: -1 }]]))).toBeNull();
  });

  it('says what to do in plain words', () => {
    expect(MIC_WARNING_MESSAGES.noise).toBe(
      'Your microphone is picking up steady noise — move away from the fan or mute when not speaking.',
    );
    for (const message of Object.values(MIC_WARNING_MESSAGES)) expect(message).toMatch(/^Your microphone is .+ — .+\.$/u);
  });
});

describe('microphone check in the store', () => {
  it('keeps the latest report, raises the warning, keeps it stable, and clears it when the microphone closes', () => {
    const store = createAppStore({
      now: () => 0,
      randomNonce: () => 'n',
      setTimer: () => () => undefined,
      bridge: new FakeBridge().binding(),
    });
    const reports = timeline([[20, voice('noise')]]);
    const warnings = new Set<unknown>();
    for (const report of reports) {
      store.getState().receiveMicReport(report);
      warnings.add(selectMicWarning(store.getState()));
    }
    expect(selectMicReport(store.getState())).toEqual(reports.at(-1));
    expect(selectMicWarning(store.getState())?.kind).toBe('noise');
    // null before, then one warning object kept across reports (components do not re-render for nothing).
    expect(warnings.size).toBe(2);
    store.getState().receiveMicReport(null);
    expect(store.getState().micCheck).toEqual({ report: null, warning: null });
  });
});

describe('microphone reports to the engine', () => {
  it('passes every report on to the engine for the space channel, and a refused one disturbs nothing', async () => {
    const bridge = new FakeBridge();
    let refuse = false;
    bridge.handle('conversation:report-mic', () => {
      if (refuse) throw new Error('Not in the conversation: join first.');
      return { sent: true };
    });
    const store = createAppStore({ now: () => 0, randomNonce: () => 'n', setTimer: () => () => undefined, bridge: bridge.binding() });
    const reports = timeline([[3, voice('noise')]]);
    for (const report of reports) store.getState().receiveMicReport(report);
    refuse = true;
    store.getState().receiveMicReport(reports[0] as MicReport);
    await Promise.resolve();
    const sent = bridge.calls.filter((call) => call.channel === 'conversation:report-mic').map((call) => call.payload);
    expect(sent).toEqual([...reports, reports[0]].map((report) => ({ report })));
    // The closed microphone is not a report: nothing is sent for it.
    store.getState().receiveMicReport(null);
    expect(bridge.calls.filter((call) => call.channel === 'conversation:report-mic')).toHaveLength(4);
    expect(selectMicWarning(store.getState())).toBeNull();
  });
});

describe('mic warning notice', () => {
  it('shows the warning as a status with its kind, and nothing without one', () => {
    expect(renderToStaticMarkup(createElement(MicWarningNotice, { warning: null }))).toBe('');
    const html = renderToStaticMarkup(createElement(MicWarningNotice, { warning: { kind: 'echo', message: MIC_WARNING_MESSAGES.echo } }));
    expect(html).toContain('role="status"');
    expect(html).toContain('data-kind="echo"');
    expect(html).toContain('use headphones');
  });
});
