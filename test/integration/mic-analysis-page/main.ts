import type { MicReport } from '../../../electron/shared/mic-report';
import { attachMicAnalysis, type MicAnalysisHandle } from '../../../renderer/audio/mic-analysis/attach';
import { microphoneConstraints } from '../../../renderer/audio/microphone';

/*
 * Test page of test/integration/mic-analysis-browser.test.ts, bundled by Vite like the app (the
 * worklet as its own file, libfvad's WebAssembly inlined) and served under the app's CSP. It runs
 * the real microphone analysis on Chromium's fake microphone, opened with the app's own
 * constraints (echo cancellation, noise suppression, gain control).
 */

/** How the page builds the analysed graph. */
export interface MicTestSetup {
  /** A file (served beside the page) the room plays, looped; null: no room. */
  roomFile: string | null;
  /** Mix the room back into the microphone: delay (s) and gain; null: no echo. */
  echo: { delaySeconds: number; gain: number } | null;
}

/** What the test reads. */
export interface MicTestPage {
  start(setup: MicTestSetup): Promise<{ sampleRate: number; vadLoaded: boolean }>;
  reports(): MicReport[];
  stop(): Promise<void>;
}

declare global {
  interface Window {
    steadycastMicTest: MicTestPage;
  }
}

const reports: MicReport[] = [];
let context: AudioContext | null = null;
let handle: MicAnalysisHandle | null = null;
let stream: MediaStream | null = null;

window.steadycastMicTest = {
  async start(setup) {
    context = new AudioContext({ sampleRate: 48_000, latencyHint: 'interactive' });
    stream = await navigator.mediaDevices.getUserMedia(microphoneConstraints(null));
    const microphone = new GainNode(context);
    context.createMediaStreamSource(stream).connect(microphone);
    let room: AudioNode | null = null;
    if (setup.roomFile !== null) {
      const encoded = await (await fetch(setup.roomFile)).arrayBuffer();
      const source = new AudioBufferSourceNode(context, { buffer: await context.decodeAudioData(encoded), loop: true });
      source.start();
      room = source;
      if (setup.echo) {
        // The room comes back into the microphone: a loudspeaker, the air, the microphone.
        const delay = new DelayNode(context, { delayTime: setup.echo.delaySeconds, maxDelayTime: 1 });
        const gain = new GainNode(context, { gain: setup.echo.gain });
        source.connect(delay).connect(gain).connect(microphone);
      }
    }
    handle = await attachMicAnalysis({ context, microphone, room, onReport: (report) => reports.push(report) });
    if (context.state === 'suspended') await context.resume();
    return { sampleRate: context.sampleRate, vadLoaded: handle.vadLoaded };
  },
  reports: () => reports.slice(),
  async stop() {
    handle?.stop();
    for (const track of stream?.getTracks() ?? []) track.stop();
    await context?.close();
  },
};
