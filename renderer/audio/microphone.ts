import { PCM_SAMPLE_RATE } from '../../electron/shared/pcm-frame';
import { DEFAULT_AUDIO_SETTINGS, type AudioSettings } from '../../electron/shared/settings';

/*
 * The host's microphone: one getUserMedia track with the browser's echo cancellation, noise
 * suppression and gain control as saved in the settings (all on by default). It survives a device being unplugged: the track ending (or the
 * device leaving the device list) switches to the default microphone, and the chosen one is taken
 * back when it returns. Whoever uses the track (the peer connection, the program mix) is handed
 * each new track through `onTrack`; nobody rejoins or renegotiates.
 */

/** One input device as the UI lists it. */
export interface MicrophoneDevice {
  id: string;
  label: string;
}

/** What the UI shows of the microphone. */
export interface MicrophoneSnapshot {
  devices: MicrophoneDevice[];
  /** The user's choice; null means the system default. */
  selectedId: string | null;
  /** Device id of the track in use, or null when there is none. */
  activeId: string | null;
  activeLabel: string | null;
  /** Plain-language problem with what to do, or null. */
  problem: string | null;
}

/** The browser APIs the microphone uses (a test may pass fakes). */
export type MediaDevicesLike = Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices' | 'addEventListener' | 'removeEventListener'>;

/** What {@link Microphone} reports. */
export interface MicrophoneListener {
  /** The device list, choice or problem changed. */
  onChange(snapshot: MicrophoneSnapshot): void;
  /** A new track is live (first start, a switch, a return); the previous one is already stopped. */
  onTrack(track: MediaStreamTrack, stream: MediaStream): void;
}

/** The browser's voice processing of the microphone (Settings › Audio). */
export type MicrophoneProcessing = AudioSettings['processing'];

/** Which device a capture opens (null: the system default) and with which processing. */
export interface MicrophoneCapture {
  deviceId: string | null;
  processing: MicrophoneProcessing;
}

/** What changed in the saved microphone settings: only the fields to apply (device and/or processing). */
export interface MicrophoneSettingsChange {
  deviceId?: string | null;
  processing?: MicrophoneProcessing;
}

/**
 * What a window applies when the engine's saved audio settings arrive: everything the first
 * time, then only what changed, so a device picked in this window for this session stays picked
 * until the saved microphone itself changes. Null: nothing to apply.
 */
export function savedMicrophoneChange(previous: AudioSettings | null, next: AudioSettings): MicrophoneSettingsChange | null {
  const change: MicrophoneSettingsChange = {};
  if (previous === null || previous.inputDeviceId !== next.inputDeviceId) change.deviceId = next.inputDeviceId;
  if (previous === null || !sameProcessing(previous.processing, next.processing)) change.processing = { ...next.processing };
  return Object.keys(change).length === 0 ? null : change;
}

/** True when both ask for the same processing. */
export function sameProcessing(a: MicrophoneProcessing, b: MicrophoneProcessing): boolean {
  return a.echoCancellation === b.echoCancellation && a.noiseSuppression === b.noiseSuppression && a.autoGainControl === b.autoGainControl;
}

/** The pseudo-device ids Chromium lists besides the real devices. */
const DEFAULT_ID = 'default';
const COMMUNICATIONS_ID = 'communications';

/** getUserMedia constraints of the microphone: speech with `processing`, mono, 48 kHz, on `deviceId` (null: the default). */
export function microphoneConstraints(
  deviceId: string | null,
  processing: MicrophoneProcessing = DEFAULT_AUDIO_SETTINGS.processing,
): MediaStreamConstraints {
  return {
    audio: {
      ...(deviceId !== null && deviceId !== DEFAULT_ID ? { deviceId: { exact: deviceId } } : {}),
      echoCancellation: processing.echoCancellation,
      noiseSuppression: processing.noiseSuppression,
      autoGainControl: processing.autoGainControl,
      sampleRate: { ideal: PCM_SAMPLE_RATE },
      channelCount: { ideal: 1 },
    },
    video: false,
  };
}

/** The input devices of an `enumerateDevices` answer, in its order, with a readable label each. */
export function inputDevices(devices: readonly Pick<MediaDeviceInfo, 'kind' | 'deviceId' | 'label'>[]): MicrophoneDevice[] {
  const inputs = devices.filter(
    (device) => device.kind === 'audioinput' && device.deviceId !== '' && device.deviceId !== COMMUNICATIONS_ID,
  );
  return inputs.map((device, index) => ({
    id: device.deviceId,
    label: device.label.trim() || (device.deviceId === DEFAULT_ID ? 'Default microphone' : `Microphone ${index + 1}`),
  }));
}

/** What to do after the device list changed or the track ended, and the problem to show meanwhile. */
export type MicrophoneDecision =
  { action: 'keep'; problem: string | null } | { action: 'open'; deviceId: string | null; problem: string | null };

/** Shown while the chosen device is missing and the default stands in. */
export const CHOSEN_MISSING_PROBLEM =
  'The microphone you chose is not connected. Steadycast is using the default microphone until you plug it back in or choose another.';

/**
 * Which device the microphone should use now: the chosen one when it is present, otherwise the
 * default. `activeId` is the device of the live track (null when the track ended or none is open).
 */
export function decideMicrophone(
  devices: readonly MicrophoneDevice[],
  selectedId: string | null,
  activeId: string | null,
): MicrophoneDecision {
  const wanted = selectedId === DEFAULT_ID ? null : selectedId;
  const present = (id: string): boolean => devices.some((device) => device.id === id);
  if (wanted !== null && present(wanted)) {
    return activeId === wanted ? { action: 'keep', problem: null } : { action: 'open', deviceId: wanted, problem: null };
  }
  const problem = wanted === null ? null : CHOSEN_MISSING_PROBLEM;
  // A live track on some other device is the default standing in (an empty list means the list is unknown).
  const activeStandsIn = activeId !== null && activeId !== wanted && (devices.length === 0 || present(activeId));
  // Without a live track, try the default: when there is no microphone at all, its error says so.
  return activeStandsIn ? { action: 'keep', problem } : { action: 'open', deviceId: null, problem };
}

/** A getUserMedia failure in plain words, with what to do. */
export function describeMicrophoneError(error: unknown): string {
  const name = typeof error === 'object' && error !== null && 'name' in error ? String(error.name) : '';
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return 'Steadycast may not use the microphone. Allow microphone access for Steadycast in your system settings, then try again.';
    case 'NotFoundError':
    case 'OverconstrainedError':
      return 'No microphone was found. Plug one in or choose another, then try again.';
    case 'NotReadableError':
    case 'AbortError':
      return 'The microphone could not be started: another app may be using it, or it stopped responding. Close the other app or unplug and replug the microphone, then try again.';
    default:
      return `The microphone could not be started (${error instanceof Error ? error.message : String(error)}). Check that it is connected, then try again.`;
  }
}

/** The host's microphone track, kept alive across unplugging. */
export class Microphone {
  private stream: MediaStream | null = null;
  private devices: MicrophoneDevice[] = [];
  private selectedId: string | null = null;
  private processing: MicrophoneProcessing = { ...DEFAULT_AUDIO_SETTINGS.processing };
  private problem: string | null = null;
  private started = false;
  /** Serialises opens: a device change during an open waits for it. */
  private queue: Promise<void> = Promise.resolve();
  private readonly onDeviceChange = (): void => {
    void this.enqueue(() => this.reconcile());
  };
  private readonly onEnded = (): void => {
    void this.enqueue(() => this.reconcile());
  };

  constructor(
    private readonly listener: MicrophoneListener,
    private readonly mediaDevices: MediaDevicesLike = navigator.mediaDevices,
  ) {}

  /** The live track, if any. */
  get track(): MediaStreamTrack | null {
    return this.stream?.getAudioTracks()[0] ?? null;
  }

  /** The stream holding {@link track}. */
  get mediaStream(): MediaStream | null {
    return this.stream;
  }

  /** Current state for the UI. */
  snapshot(): MicrophoneSnapshot {
    const track = this.track;
    const activeId = track && track.readyState === 'live' ? (track.getSettings().deviceId ?? null) : null;
    return {
      devices: this.devices,
      selectedId: this.selectedId,
      activeId,
      activeLabel: track && activeId !== null ? track.label || 'Microphone' : null,
      problem: this.problem,
    };
  }

  /** Opens the microphone (the chosen device, or the default); resolves once a track is live or the problem is known. */
  start(selectedId: string | null = this.selectedId): Promise<void> {
    this.selectedId = selectedId;
    if (!this.started) {
      this.started = true;
      this.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
    }
    return this.enqueue(async () => {
      if (this.track?.readyState !== 'live') await this.open(selectedId);
      await this.refreshDevices();
      await this.reconcile();
    });
  }

  /** Chooses a device (null: the system default) and switches to it now when the microphone is open. */
  select(deviceId: string | null): Promise<void> {
    this.selectedId = deviceId;
    if (!this.started) {
      this.emit();
      return Promise.resolve();
    }
    return this.enqueue(async () => {
      await this.open(deviceId);
      await this.refreshDevices();
      this.emit();
    });
  }

  /**
   * Takes saved settings: a device (as {@link select}) and/or the processing. An open microphone
   * opens again with them when they differ from what it runs with; a closed one uses them when it opens.
   */
  configure(change: MicrophoneSettingsChange): Promise<void> {
    const processingChanged = change.processing !== undefined && !sameProcessing(change.processing, this.processing);
    if (change.processing !== undefined) this.processing = { ...change.processing };
    if (change.deviceId !== undefined && change.deviceId !== this.selectedId) return this.select(change.deviceId);
    if (!processingChanged || !this.started) return Promise.resolve();
    return this.enqueue(() => this.reopen());
  }

  /** Lists the input devices again (labels appear once access was granted). */
  listDevices(): Promise<MicrophoneDevice[]> {
    return this.refreshDevices().then(() => {
      this.emit();
      return this.devices;
    });
  }

  /** Stops the track and stops watching devices. */
  stop(): void {
    this.started = false;
    this.mediaDevices.removeEventListener('devicechange', this.onDeviceChange);
    this.release();
    this.emit();
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async refreshDevices(): Promise<void> {
    try {
      this.devices = inputDevices(await this.mediaDevices.enumerateDevices());
    } catch {
      // Keep the last list: enumerateDevices fails only in odd contexts, and the track still works.
    }
  }

  /** After a device change or a track ending: keep, fall back to the default, or take the chosen device back. */
  private async reconcile(): Promise<void> {
    if (!this.started) return;
    await this.refreshDevices();
    const decision = decideMicrophone(this.devices, this.selectedId, this.snapshot().activeId);
    if (decision.action === 'keep') {
      this.problem = decision.problem;
    } else if (await this.open(decision.deviceId)) {
      this.problem = decision.problem;
    } else if (decision.deviceId !== null && (await this.open(null))) {
      // The chosen device is listed but would not start: the default stands in.
      this.problem = 'The microphone you chose could not be started. Steadycast is using the default microphone; choose it again to retry.';
    }
    this.emit();
  }

  /** Opens the microphone again (new processing): the chosen device when present, else the default, as with no track open. */
  private async reopen(): Promise<void> {
    if (!this.started) return;
    await this.refreshDevices();
    const decision = decideMicrophone(this.devices, this.selectedId, null);
    if (decision.action === 'open' && (await this.open(decision.deviceId))) this.problem = decision.problem;
    this.emit();
  }

  /** Opens `deviceId` (null: default); on failure keeps the old track if it is still live. */
  private async open(deviceId: string | null): Promise<boolean> {
    let stream: MediaStream;
    try {
      stream = await this.mediaDevices.getUserMedia(microphoneConstraints(deviceId, this.processing));
    } catch (error) {
      this.problem = describeMicrophoneError(error);
      this.emit();
      return false;
    }
    const track = stream.getAudioTracks()[0];
    if (!track || !this.started) {
      for (const unused of stream.getTracks()) unused.stop();
      return false;
    }
    this.release();
    this.stream = stream;
    this.problem = null;
    track.addEventListener('ended', this.onEnded);
    this.listener.onTrack(track, stream);
    return true;
  }

  private release(): void {
    const stream = this.stream;
    this.stream = null;
    if (!stream) return;
    for (const track of stream.getTracks()) {
      track.removeEventListener('ended', this.onEnded);
      track.stop();
    }
  }

  private emit(): void {
    this.listener.onChange(this.snapshot());
  }
}
