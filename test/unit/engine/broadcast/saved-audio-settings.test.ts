import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { describeProgramPlan, planProgram } from '../../../../electron/engine/broadcast/program-plan';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { dispatchUntrusted } from '../../../../electron/engine/dispatch';
import { Engine } from '../../../../electron/engine/engine';
import type { BroadcastStatus } from '../../../../electron/shared/broadcast';
import { parseCommand, type EngineEvent } from '../../../../electron/shared/contract';
import { DEFAULT_AUDIO_SETTINGS, DEFAULT_SHORTCUTS, type AudioSettings, type GeneralSettings } from '../../../../electron/shared/settings';
import type { EngineState } from '../../../../electron/shared/state';
import type { ConversationMedia, ConversationMediaEvents } from '../../../../renderer/audio/conversation-media';
import {
  microphoneConstraints,
  savedMicrophoneChange,
  type MicrophoneCapture,
  type MicrophoneSettingsChange,
} from '../../../../renderer/audio/microphone';
import type { RehearsalRecorder, RehearsalSession } from '../../../../renderer/audio/rehearsal-recorder';
import { ProgramPanel } from '../../../../renderer/features/program/program-panel';
import { describeGoLivePlan, selectNextShowBitrate } from '../../../../renderer/features/program/show-control-view';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { selectMicrophoneCapture } from '../../../../renderer/stores/saved-microphone';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { FakeClock } from '../../../fakes/fake-clock';
import { FakeProber } from '../../../fakes/fake-prober';
import { render, settle } from '../../../support/renderer-test-support';

/*
 * Saved audio settings apply: the engine fills what a `broadcast:start` leaves out from them (so
 * every UI and the resume of the desktop app go live alike), the engine state carries them, and a
 * window's microphone and rehearsal capture with the saved device and processing. The live
 * program itself is checked against a real Icecast in test/integration/saved-audio-settings.test.ts.
 */

const general = (
  audio: Partial<AudioSettings> = {},
  recording: GeneralSettings['recording'] = { enabled: true, folder: '/shows' },
): GeneralSettings => ({
  audio: { ...DEFAULT_AUDIO_SETTINGS, ...audio },
  recording,
  shortcuts: { ...DEFAULT_SHORTCUTS },
});

describe('the program a broadcast:start goes on air with', () => {
  it('takes channels, bitrate and the recording from the saved settings when the request leaves them out', () => {
    const plan = planProgram({}, general({ bitrateKbps: 96, channels: 1 }));
    expect(plan).toEqual({ channels: 1, bitrateKbps: 96, recordingFolder: '/shows', fromSettings: ['channels', 'bitrate', 'recording'] });
    expect(describeProgramPlan(plan)).toBe('mono, 96 kbit/s, recorded (saved settings: channels, bitrate, recording)');
  });

  it('keeps what the request says (the headless tools and tests choose their own)', () => {
    const plan = planProgram({ channels: 2, bitrateKbps: 64, record: false }, general({ bitrateKbps: 96, channels: 1 }));
    expect(plan).toEqual({ channels: 2, bitrateKbps: 64, recordingFolder: null, fromSettings: [] });
    expect(describeProgramPlan(plan)).toBe('stereo, 64 kbit/s, not recorded');
  });

  it('records only with a saved folder: off in the settings, or asked for where none is saved, goes out unrecorded', () => {
    expect(planProgram({}, general({}, { enabled: false, folder: '/shows' })).recordingFolder).toBeNull();
    expect(planProgram({ record: true }, general({}, { enabled: false, folder: '/shows' })).recordingFolder).toBe('/shows');
    expect(planProgram({ record: true }, general({}, { enabled: false, folder: '' })).recordingFolder).toBeNull();
  });

  it('refuses bad values at the door with what is wrong', () => {
    const bad = (payload: unknown): string => {
      const parsed = parseCommand('broadcast:start', payload);
      if (parsed.ok) throw new Error('accepted');
      expect(parsed.error.code).toBe('invalid-payload');
      return parsed.error.message;
    };
    expect(bad({ source: { kind: 'bridge' }, channels: 3 })).toMatch(/must be 1 \(mono\) or 2 \(stereo\)/);
    expect(bad({ source: { kind: 'bridge' }, bitrateKbps: 8 })).toMatch(/must be at least 16 kbit\/s/);
    expect(bad({ source: { kind: 'bridge' }, bitrateKbps: 320 })).toMatch(/must be at most 256 kbit\/s/);
    expect(bad({ source: { kind: 'bridge' }, bitrateKbps: 96.5 })).toMatch(/whole number of kbit\/s/);
    // Nothing filled in at the door: what is left out stays left out for the engine to decide.
    const parsed = parseCommand('broadcast:start', { source: { kind: 'bridge' } });
    expect(parsed.ok && parsed.command.payload).toEqual({ source: { kind: 'bridge' } });
  });
});

describe('the engine state carries the saved audio and recording settings', () => {
  function makeEngine(): { engine: Engine; events: EngineEvent[] } {
    const engine = new Engine({
      version: '1.2.3',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({ space: { name: 'Launch night' } }),
      clock: new FakeClock(),
      prober: new FakeProber(),
      recordingsDir: '/var/recordings',
    });
    const events: EngineEvent[] = [];
    engine.subscribe((event) => events.push(event));
    return { engine, events };
  }

  it('starts with the defaults and the recordings folder it was given', () => {
    const { engine } = makeEngine();
    expect(engine.getState().settings).toEqual({ audio: DEFAULT_AUDIO_SETTINGS, recording: { enabled: true, folder: '/var/recordings' } });
  });

  it('sends the new settings to every UI once they are saved', async () => {
    const { engine, events } = makeEngine();
    const saved = general({
      bitrateKbps: 64,
      channels: 1,
      inputDeviceId: 'usb-mic',
      processing: { echoCancellation: false, noiseSuppression: true, autoGainControl: false },
    });
    const reply = await dispatchUntrusted(engine, 'settings:save-general', saved);
    expect(reply.ok).toBe(true);
    const states = events.flatMap((event) => (event.channel === 'engine:state' ? [event.payload] : []));
    expect(states.at(-1)?.settings).toEqual({ audio: saved.audio, recording: saved.recording });
    expect(engine.getState().settings?.audio.bitrateKbps).toBe(64);
  });
});

describe('the microphone follows the saved settings', () => {
  it('asks the browser for the saved processing', () => {
    const audio = microphoneConstraints('usb-mic', { echoCancellation: false, noiseSuppression: true, autoGainControl: false }).audio;
    expect(audio).toMatchObject({
      deviceId: { exact: 'usb-mic' },
      echoCancellation: false,
      noiseSuppression: true,
      autoGainControl: false,
      channelCount: { ideal: 1 },
    });
    // Without saved settings, all processing stays on.
    expect(microphoneConstraints(null).audio).toMatchObject({ echoCancellation: true, noiseSuppression: true, autoGainControl: true });
  });

  it('applies everything the first time, then only what changed', () => {
    const first = { ...DEFAULT_AUDIO_SETTINGS, inputDeviceId: 'usb-mic' };
    expect(savedMicrophoneChange(null, first)).toEqual({ deviceId: 'usb-mic', processing: DEFAULT_AUDIO_SETTINGS.processing });
    expect(savedMicrophoneChange(first, { ...first, bitrateKbps: 64, channels: 1 })).toBeNull();
    expect(savedMicrophoneChange(first, { ...first, inputDeviceId: null })).toEqual({ deviceId: null });
    const quieter = { ...first, processing: { ...first.processing, noiseSuppression: false } };
    expect(savedMicrophoneChange(first, quieter)).toEqual({ processing: quieter.processing });
  });
});

/** The media layer as the store drives it: records every configure. */
class RecordingMedia implements ConversationMedia {
  connected = false;
  feeding = false;
  readonly configured: MicrophoneSettingsChange[] = [];
  readonly selected: (string | null)[] = [];
  constructor(readonly events: ConversationMediaEvents) {}
  connect(): Promise<void> {
    return Promise.reject(new Error('not used by these tests'));
  }
  disconnect(): void {}
  setMicLive(): void {}
  selectMicrophone(deviceId: string | null): Promise<void> {
    this.selected.push(deviceId);
    this.events.onMicrophone({ devices: [], selectedId: deviceId, activeId: null, activeLabel: null, problem: null });
    return Promise.resolve();
  }
  refreshMicrophones(): Promise<void> {
    return Promise.resolve();
  }
  configureMicrophone(change: MicrophoneSettingsChange): Promise<void> {
    this.configured.push(change);
    return Promise.resolve();
  }
  startProgramFeed(): Promise<void> {
    return Promise.resolve();
  }
  stopProgramFeed(): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const withSettings = (
  audio: Partial<AudioSettings>,
  recording: GeneralSettings['recording'] = { enabled: true, folder: '/shows' },
  broadcast: BroadcastStatus | null = null,
): EngineState => sampleEngineState({ settings: { audio: { ...DEFAULT_AUDIO_SETTINGS, ...audio }, recording }, broadcast });

interface Setup {
  store: AppStore;
  bridge: FakeBridge;
  media: () => RecordingMedia;
  starts: MicrophoneCapture[];
}

async function setup(state: EngineState): Promise<Setup> {
  let media: RecordingMedia | null = null;
  const starts: MicrophoneCapture[] = [];
  const rehearsal: RehearsalRecorder = {
    start(capture): Promise<RehearsalSession> {
      starts.push(capture);
      return Promise.resolve({ stop: () => undefined, done: new Promise(() => undefined) });
    },
    release: () => undefined,
  };
  const bridge = new FakeBridge(state);
  const store = createAppStore({
    bridge: bridge.binding({ kind: 'websocket' }),
    now: () => 0,
    randomNonce: () => 'nonce',
    setTimer: () => () => undefined,
    rehearsal,
    createConversationMedia: (events) => (media = new RecordingMedia(events)),
  });
  await settle();
  return {
    store,
    bridge,
    starts,
    media: () => {
      if (!media) throw new Error('no media created');
      return media;
    },
  };
}

const NO_ECHO_CANCELLATION = { echoCancellation: false, noiseSuppression: true, autoGainControl: true };

describe('the store puts the saved microphone settings into every capture', () => {
  it('makes the saved device this window’s choice and opens its media with the saved device and processing', async () => {
    const { store, media } = await setup(withSettings({ inputDeviceId: 'usb-mic', processing: NO_ECHO_CANCELLATION }));
    expect(store.getState().microphone.selectedId).toBe('usb-mic');
    expect(selectMicrophoneCapture(store.getState())).toEqual({ deviceId: 'usb-mic', processing: NO_ECHO_CANCELLATION });

    // The media layer is built on first use (here: listing the microphones) and set up before anything opens.
    await store.getState().refreshMicrophones();
    expect(media().configured).toEqual([{ deviceId: 'usb-mic', processing: NO_ECHO_CANCELLATION }]);
  });

  it('applies a later save to the open media: only what changed, and a device picked here stays until the saved one changes', async () => {
    const { store, bridge, media } = await setup(withSettings({ inputDeviceId: 'usb-mic' }));
    await store.getState().refreshMicrophones();
    await store.getState().selectMicrophone('headset');
    expect(store.getState().microphone.selectedId).toBe('headset');
    media().configured.length = 0;

    bridge.emit('engine:state', withSettings({ inputDeviceId: 'usb-mic', processing: NO_ECHO_CANCELLATION }));
    expect(media().configured).toEqual([{ processing: NO_ECHO_CANCELLATION }]);
    expect(store.getState().microphone.selectedId).toBe('headset');

    // The same settings again (every state carries them): nothing to do.
    bridge.emit('engine:state', withSettings({ inputDeviceId: 'usb-mic', processing: NO_ECHO_CANCELLATION, bitrateKbps: 64 }));
    expect(media().configured).toHaveLength(1);

    bridge.emit('engine:state', withSettings({ inputDeviceId: 'studio-mic', processing: NO_ECHO_CANCELLATION }));
    expect(media().configured.at(-1)).toEqual({ deviceId: 'studio-mic' });
    expect(store.getState().microphone.selectedId).toBe('studio-mic');
  });

  it('records the preflight rehearsal with the saved device and processing', async () => {
    const { store, starts } = await setup(withSettings({ inputDeviceId: 'usb-mic', processing: NO_ECHO_CANCELLATION }));
    store.getState().openPreflight();
    void store.getState().startRehearsal();
    await settle();
    expect(starts).toEqual([{ deviceId: 'usb-mic', processing: NO_ECHO_CANCELLATION }]);
  });
});

describe('the program panel says what going live will use', () => {
  it('off air: the saved channels, bitrate and recording', async () => {
    const { store } = await setup(withSettings({ bitrateKbps: 96, channels: 1 }, { enabled: false, folder: '' }));
    const html = render(store, createElement(ProgramPanel));
    expect(html).toMatch(
      /data-testid="go-live-what">The program is your microphone plus the room, in mono Opus at 96 kbit\/s \(Settings › Audio\), sent to the space’s Icecast mounts without a safety recording \(it is off in Settings\)\./u,
    );
    expect(describeGoLivePlan(withSettings({}).settings)).toContain(
      'in stereo Opus at 128 kbit/s (Settings › Audio), sent to the space’s Icecast mounts with a safety recording.',
    );
    expect(describeGoLivePlan(undefined)).toContain('as set in Settings › Audio');
  });

  it('on air: "As configured", or the saved bitrate the next show will use when it was changed during this one', async () => {
    const live: BroadcastStatus = {
      status: 'live',
      startedAt: 1,
      source: 'microphone and room (from the control room)',
      channels: 2,
      bitrateKbps: 96,
      configuredBitrateKbps: 96,
      outputs: [],
      recording: null,
    };
    const { store, bridge } = await setup(withSettings({ bitrateKbps: 96 }, undefined, live));
    expect(selectNextShowBitrate(store.getState())).toBeNull();
    expect(render(store, createElement(ProgramPanel))).toMatch(/data-testid="program-bitrate".*96 kbit\/s.*As configured</u);

    bridge.emit('engine:state', withSettings({ bitrateKbps: 64 }, undefined, live));
    expect(selectNextShowBitrate(store.getState())).toBe(64);
    expect(render(store, createElement(ProgramPanel))).toContain('As configured for this show · Settings: 64 kbit/s from the next show');
  });
});
