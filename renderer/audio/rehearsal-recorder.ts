import { microphoneConstraints, type MicrophoneCapture } from './microphone';
import { analyseRehearsal, mixDown, type RehearsalFigures } from './rehearsal-analysis';

/*
 * The preflight's rehearsal: up to 30 s of the host talking into the microphone they will go live
 * with, with the same processing (echo cancellation, noise suppression, gain control as saved), recorded
 * by the browser's MediaRecorder (Opus), then decoded once to measure it. The take stays in the
 * window (an object URL) for the host to play back; nothing leaves the computer.
 */

/** A finished rehearsal take: where to play it and what it measured. */
export interface RehearsalTake {
  url: string;
  figures: RehearsalFigures;
}

/** A rehearsal being recorded. */
export interface RehearsalSession {
  /** Stops early; `done` resolves with what was recorded so far. */
  stop(): void;
  /** Resolves when the take is recorded and measured (at `maxMs` at the latest). */
  readonly done: Promise<RehearsalTake>;
}

/** Records rehearsal takes (the browser's in the app; tests of the store pass their own). */
export interface RehearsalRecorder {
  /** Opens the microphone as the show captures it (device, null: the default; processing) and starts recording. */
  start(capture: MicrophoneCapture, maxMs: number): Promise<RehearsalSession>;
  /** Frees a take's audio once it is no longer shown. */
  release(url: string): void;
}

/** A rehearsal that could not be recorded; the message says what to do. */
export class RehearsalError extends Error {
  override readonly name = 'RehearsalError';
}

function describeMediaError(error: unknown): string {
  const name = error instanceof DOMException ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError')
    return 'Steadycast may not use the microphone: allow it in your system or browser settings, then record again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError')
    return 'No microphone was found: plug one in or choose another in the microphone list, then record again.';
  if (name === 'NotReadableError') return 'The microphone is busy or failed to start: close other apps that use it, then record again.';
  return `The rehearsal could not be recorded (${error instanceof Error ? error.message : String(error)}). Record again, or restart the app if it keeps failing.`;
}

/** The browser's rehearsal recorder: getUserMedia + MediaRecorder, measured with decodeAudioData. */
export const browserRehearsalRecorder: RehearsalRecorder = {
  async start(capture, maxMs) {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia(microphoneConstraints(capture.deviceId, capture.processing));
    } catch (error) {
      throw new RehearsalError(describeMediaError(error));
    }
    const mimeType = MediaRecorder.isTypeSupported('audio/webm;codecs=opus') ? 'audio/webm;codecs=opus' : '';
    const recorder = new MediaRecorder(stream, mimeType === '' ? {} : { mimeType });
    const chunks: Blob[] = [];
    recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) chunks.push(event.data);
    });
    const stopped = new Promise<void>((resolve, reject) => {
      recorder.addEventListener('stop', () => resolve(), { once: true });
      recorder.addEventListener('error', () => reject(new RehearsalError('The recording stopped with an error: record again.')), {
        once: true,
      });
    });
    const stop = (): void => {
      if (recorder.state !== 'inactive') recorder.stop();
    };
    const limit = setTimeout(stop, maxMs);
    // A timeslice, so a recorder that fails late still leaves what it had.
    recorder.start(1000);
    const done = (async (): Promise<RehearsalTake> => {
      try {
        await stopped;
      } finally {
        clearTimeout(limit);
        for (const track of stream.getTracks()) track.stop();
      }
      const blob = new Blob(chunks, { type: recorder.mimeType });
      if (blob.size === 0) throw new RehearsalError('Nothing was recorded: check the microphone, then record again.');
      const context = new OfflineAudioContext(1, 1, 48_000);
      let decoded: AudioBuffer;
      try {
        decoded = await context.decodeAudioData(await blob.arrayBuffer());
      } catch {
        throw new RehearsalError('The recording could not be read back: record again.');
      }
      const channels = Array.from({ length: decoded.numberOfChannels }, (_, index) => decoded.getChannelData(index));
      return { url: URL.createObjectURL(blob), figures: analyseRehearsal(mixDown(channels), decoded.sampleRate) };
    })();
    return { stop, done };
  },
  release(url) {
    URL.revokeObjectURL(url);
  },
};
