import { Microphone, type MicrophoneSettingsChange, type MicrophoneSnapshot } from '../../../renderer/audio/microphone';

/*
 * Test page of test/integration/microphone-settings-browser.test.ts, bundled by Vite like the app
 * and served under the app's CSP: the app's own Microphone on Chromium's fake devices, configured
 * with saved settings, reporting what the browser says the live track runs with.
 */

/** What Chromium reports of the live track. */
export interface TrackReport {
  deviceId: string | null;
  echoCancellation: boolean | null;
  noiseSuppression: boolean | null;
  autoGainControl: boolean | null;
  /** Tracks handed out so far (a reopen hands out a new one). */
  tracks: number;
  problem: string | null;
}

/** What the test drives. */
export interface MicrophoneSettingsPage {
  /** Lists the input devices (after a first open, when labels and ids are known). */
  devices(): Promise<{ id: string; label: string }[]>;
  configure(change: MicrophoneSettingsChange): Promise<TrackReport>;
  start(): Promise<TrackReport>;
  stop(): void;
}

declare global {
  interface Window {
    steadycastMicrophoneSettings: MicrophoneSettingsPage;
  }
}

let tracks = 0;
let latest: MicrophoneSnapshot | null = null;
const microphone = new Microphone({
  onChange: (snapshot) => {
    latest = snapshot;
  },
  onTrack: () => {
    tracks += 1;
  },
});

function report(): TrackReport {
  const settings = microphone.track?.getSettings() ?? {};
  return {
    deviceId: settings.deviceId ?? null,
    echoCancellation: typeof settings.echoCancellation === 'boolean' ? settings.echoCancellation : null,
    noiseSuppression: settings.noiseSuppression ?? null,
    autoGainControl: settings.autoGainControl ?? null,
    tracks,
    problem: latest?.problem ?? null,
  };
}

window.steadycastMicrophoneSettings = {
  devices: () => microphone.listDevices(),
  async configure(change) {
    await microphone.configure(change);
    return report();
  },
  async start() {
    await microphone.start();
    return report();
  },
  stop: () => microphone.stop(),
};
