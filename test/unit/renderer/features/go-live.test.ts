import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import type { BroadcastStatus } from '../../../../electron/shared/broadcast';
import { BridgeError } from '../../../../electron/shared/bridge';
import type { ConversationMedia, ConversationMediaEvents } from '../../../../renderer/audio/conversation-media';
import { ProgramPanel } from '../../../../renderer/features/program/program-panel';
import { EndShowConfirm } from '../../../../renderer/features/program/show-control';
import {
  describeShowProgress,
  selectCanEndShow,
  selectCanGoLive,
  selectCanRetryFeed,
  selectGoLiveBlocker,
  selectProgramMicProblem,
} from '../../../../renderer/features/program/show-control-view';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { GO_LIVE_REQUEST } from '../../../../renderer/stores/broadcast-slice';
import type { ProgramFrameStream } from '../../../../renderer/shared/program-frames';
import type { StoreDeps } from '../../../../renderer/stores/store-types';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { buttonTag, deferred, render, settle } from '../../../support/renderer-test-support';

const T0 = 1_700_000_000_000;

const onAir = (overrides: Partial<BroadcastStatus> = {}): BroadcastStatus => ({
  status: 'live',
  startedAt: T0,
  source: 'microphone and room (from the control room)',
  channels: 2,
  bitrateKbps: 128,
  configuredBitrateKbps: 128,
  outputs: [],
  recording: null,
  ...overrides,
});

/** The media layer as the store drives it for the program: records feed starts and stops in `steps`. */
class FakeMedia implements ConversationMedia {
  connected = false;
  feeding = false;
  feedError: Error | null = null;
  /** The program stream the feed sends to; the feed owns it (closed on a failed start or a stop, as the real one does). */
  stream: ProgramFrameStream | null = null;

  constructor(
    readonly events: ConversationMediaEvents,
    private readonly steps: string[],
  ) {}

  connect(): Promise<void> {
    return Promise.reject(new Error('not used by these tests'));
  }
  disconnect(): void {
    this.connected = false;
  }
  setMicLive(): void {}
  selectMicrophone(): Promise<void> {
    return Promise.resolve();
  }
  refreshMicrophones(): Promise<void> {
    return Promise.resolve();
  }
  configureMicrophone(): Promise<void> {
    return Promise.resolve();
  }
  startProgramFeed(stream: ProgramFrameStream): Promise<void> {
    this.steps.push('feed:start');
    if (this.feedError) {
      stream.close();
      return Promise.reject(this.feedError);
    }
    this.stream = stream;
    this.feeding = true;
    return Promise.resolve();
  }
  stopProgramFeed(): void {
    this.steps.push('feed:stop');
    this.feeding = false;
    this.stream?.close();
    this.stream = null;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** The show control's failure, or null when it has none. */
function showControlError(store: AppStore): string | null {
  const { showControl } = store.getState();
  return showControl.status === 'error' ? showControl.error : null;
}

interface Setup {
  store: AppStore;
  bridge: FakeBridge;
  /** Bridge commands and feed starts/stops, in the order they happened. */
  steps: string[];
  media: () => FakeMedia;
  /** Sends a whole engine state whose program is `broadcast`, as the engine does on every change. */
  emitBroadcast: (broadcast: BroadcastStatus | null) => void;
}

/** A store on a fake bridge whose engine goes on air on `broadcast:start` and off on `broadcast:stop`, as the real one does. */
async function setup(
  options: { broadcast?: BroadcastStatus | null; feedError?: Error; mode?: 'desktop' | 'headless' } = {},
): Promise<Setup> {
  const steps: string[] = [];
  let media: FakeMedia | null = null;
  const deps: Omit<StoreDeps, 'bridge'> = {
    now: () => 0,
    randomNonce: () => 'nonce',
    setTimer: () => () => undefined,
    createConversationMedia: (events) => {
      media = new FakeMedia(events, steps);
      if (options.feedError) media.feedError = options.feedError;
      return media;
    },
  };
  const mode = options.mode ?? 'headless';
  const bridge = new FakeBridge(sampleEngineState({ broadcast: options.broadcast ?? null, mode }));
  const emitBroadcast = (broadcast: BroadcastStatus | null): void => bridge.emit('engine:state', sampleEngineState({ broadcast, mode }));
  bridge.handle('broadcast:start', () => {
    steps.push('broadcast:start');
    const status = onAir();
    emitBroadcast(status);
    return status;
  });
  bridge.handle('broadcast:stop', () => {
    steps.push('broadcast:stop');
    emitBroadcast(null);
    return { stopped: true };
  });
  const store = createAppStore({ ...deps, bridge: bridge.binding({ kind: 'websocket' }) });
  await settle();
  return {
    store,
    bridge,
    steps,
    emitBroadcast,
    media: () => {
      if (!media) throw new Error('no media created');
      return media;
    },
  };
}

describe('go live', () => {
  it('sends broadcast:start with the bridge as source, then starts the program feed', async () => {
    const { store, bridge, steps, media } = await setup();
    expect(selectCanGoLive(store.getState())).toBe(true);

    await store.getState().goLive();

    // Channels, bitrate and the recording are the engine's to fill from its saved settings.
    expect(bridge.callsOf('broadcast:start')).toEqual([{ channel: 'broadcast:start', payload: { source: { kind: 'bridge' } } }]);
    expect(GO_LIVE_REQUEST).toEqual({ source: { kind: 'bridge' } });
    expect(steps).toEqual(['broadcast:start', 'feed:start']);
    expect(media().feeding).toBe(true);
    expect(store.getState().programFeed).toEqual({ status: 'on' });
    expect(store.getState().showControl).toEqual({ status: 'idle' });

    // The feed sends on the bridge's worker stream, never through this thread.
    expect(bridge.programStreams).toHaveLength(1);
    expect(media().stream).toBe(bridge.programStreams[0]);
    expect(bridge.pcmFrames).toHaveLength(0);
  });

  it('shows the engine’s message when broadcast:start fails, and does not start the feed', async () => {
    const { store, bridge, steps } = await setup();
    bridge.handle('broadcast:start', () => {
      throw new BridgeError(
        'engine-error',
        'No Icecast mount is configured for this space: add the primary (and backup) mount URL to the space settings.',
      );
    });

    await store.getState().goLive();

    expect(store.getState().showControl).toEqual({
      status: 'error',
      error:
        'Could not go live: No Icecast mount is configured for this space: add the primary (and backup) mount URL to the space settings.',
    });
    expect(steps).toEqual([]);
    expect(store.getState().programFeed.status).toBe('off');
    // The host may try again.
    expect(selectCanGoLive(store.getState())).toBe(true);
  });

  it('does not start twice: not while starting, not while the engine reports a show', async () => {
    const { store, bridge, emitBroadcast } = await setup();
    const answer = deferred<BroadcastStatus>();
    bridge.handle('broadcast:start', () => answer.promise);

    const first = store.getState().goLive();
    expect(store.getState().showControl.status).toBe('starting');
    expect(selectCanGoLive(store.getState())).toBe(false);
    await store.getState().goLive();
    expect(bridge.callsOf('broadcast:start')).toHaveLength(1);

    emitBroadcast(onAir());
    answer.resolve(onAir());
    await first;
    await store.getState().goLive();
    expect(bridge.callsOf('broadcast:start')).toHaveLength(1);
    expect(selectCanGoLive(store.getState())).toBe(false);
  });

  it('does not start over a show that was started elsewhere', async () => {
    const { store, bridge, steps } = await setup({ broadcast: onAir({ source: 'tone:440' }) });
    await store.getState().goLive();
    expect(bridge.callsOf('broadcast:start')).toEqual([]);
    expect(steps).toEqual([]);
  });

  it('keeps the show on air when the feed fails, says what to do, and can retry the feed', async () => {
    const { store, bridge, media } = await setup({ feedError: new Error('Permission denied.') });

    await store.getState().goLive();

    expect(bridge.callsOf('broadcast:start')).toHaveLength(1);
    expect(bridge.callsOf('broadcast:stop')).toEqual([]);
    expect(store.getState().engine?.broadcast).not.toBeNull();
    const showControl = showControlError(store);
    expect(store.getState().showControl.status).toBe('error');
    expect(showControl).toContain('The program audio could not start: Permission denied.');
    expect(showControl).toContain('the safety recording keeps running');
    expect(showControl).toContain('retry the program audio');
    expect(selectCanRetryFeed(store.getState())).toBe(true);
    expect(selectCanEndShow(store.getState())).toBe(true);

    media().feedError = null;
    await store.getState().retryProgramFeed();
    expect(store.getState().showControl).toEqual({ status: 'idle' });
    expect(store.getState().programFeed.status).toBe('on');
    expect(bridge.callsOf('broadcast:start')).toHaveLength(1);
  });

  it('says so when not connected, without sending', async () => {
    const bridge = new FakeBridge().disconnect();
    const store = createAppStore({ now: () => 0, randomNonce: () => 'nonce', setTimer: () => () => undefined, bridge: bridge.binding() });
    const notConnected = 'Not connected to the engine: Lost the connection to the engine. Reconnecting automatically.';
    await store.getState().goLive();
    expect(store.getState().showControl).toEqual({ status: 'error', error: `Could not go live: ${notConnected}` });
    await store.getState().endShow();
    expect(store.getState().showControl).toEqual({
      status: 'error',
      error: `Could not end the show: ${notConnected} If it is still on air, try again.`,
    });
    expect(bridge.calls).toEqual([]);
    expect(bridge.programStreams).toEqual([]);
  });

  it('drops a failed start once a show goes on air from elsewhere', async () => {
    const { store, bridge, emitBroadcast } = await setup();
    bridge.handle('broadcast:start', () => Promise.reject(new BridgeError('engine-error', 'Nope.')));
    await store.getState().goLive();
    expect(store.getState().showControl.status).toBe('error');
    emitBroadcast(onAir({ source: 'tone:440' }));
    expect(store.getState().showControl).toEqual({ status: 'idle' });
  });
});

describe('end show', () => {
  it('stops the feed, then sends broadcast:stop', async () => {
    const { store, bridge, steps, media } = await setup();
    await store.getState().goLive();
    steps.length = 0;

    await store.getState().endShow();

    expect(steps).toEqual(['feed:stop', 'broadcast:stop']);
    expect(bridge.callsOf('broadcast:stop')).toEqual([{ channel: 'broadcast:stop', payload: {} }]);
    expect(media().feeding).toBe(false);
    expect(store.getState().programFeed.status).toBe('off');
    expect(store.getState().showControl).toEqual({ status: 'idle' });
    expect(store.getState().engine?.broadcast).toBeNull();
  });

  it('shows a refused stop and puts the program audio back while the show stays on air', async () => {
    const { store, bridge, steps, media } = await setup();
    await store.getState().goLive();
    bridge.handle('broadcast:stop', () => Promise.reject(new BridgeError('disconnected', 'No answer within 5 s.')));
    steps.length = 0;

    await store.getState().endShow();

    expect(store.getState().showControl).toEqual({
      status: 'error',
      error: 'Could not end the show: No answer within 5 s. If it is still on air, try again.',
    });
    expect(steps).toEqual(['feed:stop', 'feed:start']);
    expect(media().feeding).toBe(true);
  });

  it('says where to stop a show the engine will not end (started by "steadycast broadcast")', async () => {
    const { store, bridge } = await setup({ broadcast: onAir({ source: 'tone:440' }) });
    bridge.handle('broadcast:stop', () => ({ stopped: false }));
    await store.getState().endShow();
    expect(store.getState().showControl.status).toBe('error');
    expect(showControlError(store)).toContain('Stop it where it was started.');
  });

  it('does not send twice while stopping, and cannot go live meanwhile', async () => {
    const { store, bridge } = await setup();
    await store.getState().goLive();
    const answer = deferred<{ stopped: boolean }>();
    bridge.handle('broadcast:stop', () => answer.promise);

    const first = store.getState().endShow();
    expect(store.getState().showControl.status).toBe('stopping');
    expect(selectCanEndShow(store.getState())).toBe(false);
    await store.getState().endShow();
    await store.getState().goLive();
    expect(bridge.callsOf('broadcast:stop')).toHaveLength(1);
    expect(bridge.callsOf('broadcast:start')).toHaveLength(1);

    answer.resolve({ stopped: true });
    await first;
    expect(store.getState().showControl.status).toBe('idle');
  });

  it('drops an on-air failure once the show ends', async () => {
    const { store, emitBroadcast } = await setup({ feedError: new Error('No microphone.') });
    await store.getState().goLive();
    expect(store.getState().showControl.status).toBe('error');
    emitBroadcast(null);
    expect(store.getState().showControl).toEqual({ status: 'idle' });
  });
});

describe('show control view', () => {
  it('says what is happening while a request is in flight', () => {
    expect(describeShowProgress({ status: 'starting' }, false)).toMatch(/^Going live/u);
    expect(describeShowProgress({ status: 'starting' }, true)).toMatch(/^On air\. Starting the program audio/u);
    expect(describeShowProgress({ status: 'stopping' }, true)).toMatch(/^Ending the show/u);
    expect(describeShowProgress({ status: 'idle' }, true)).toBeNull();
    expect(describeShowProgress({ status: 'error', error: 'x' }, false)).toBeNull();
  });

  it('cannot go live in a window that joined by invite, or without an Icecast mount, and says why', async () => {
    const { store } = await setup();
    const joined = (role: 'host' | 'cohost' | 'producer'): void =>
      store.setState({
        conversation: {
          link: { status: 'joined', endpoint: 'primary', since: T0, selfId: '1', role },
          space: 'Launch',
          selfMuted: false,
          participants: [],
          channel: { status: 'closed' },
          moderation: { autoMute: false, selfSpeakRequested: false, log: [] },
          backupRoom: { status: 'none' },
          show: { status: 'unknown' },
        },
      });
    joined('cohost');
    expect(selectCanGoLive(store.getState())).toBe(false);
    expect(selectGoLiveBlocker(store.getState())).toMatch(/joined this space by invite/);
    joined('host');
    expect(selectGoLiveBlocker(store.getState())).toBeNull();
    expect(selectCanGoLive(store.getState())).toBe(true);
    const engine = store.getState().engine;
    if (engine === null) throw new Error('no engine state');
    store.setState({ engine: { ...engine, space: { ...engine.space, endpoints: [] } } });
    expect(selectGoLiveBlocker(store.getState())).toMatch(/no Icecast mount/);
    expect(selectCanGoLive(store.getState())).toBe(false);
  });

  it('cannot go live or end the show while the bridge is down', async () => {
    const { store } = await setup();
    store.setState({ connection: { status: 'disconnected', reason: 'Lost the connection.', retryAt: 0 } });
    expect(selectCanGoLive(store.getState())).toBe(false);
    const live = await setup({ broadcast: onAir() });
    live.store.setState({ connection: { status: 'disconnected', reason: 'Lost the connection.', retryAt: 0 } });
    expect(selectCanEndShow(live.store.getState())).toBe(false);
  });

  it('tells the host when the feed runs without a microphone', async () => {
    const { store, media } = await setup();
    await store.getState().goLive();
    expect(selectProgramMicProblem(store.getState())).toBeNull();
    media().events.onMicrophone({ devices: [], selectedId: null, activeId: null, activeLabel: null, problem: 'No microphone was found.' });
    expect(selectProgramMicProblem(store.getState())).toBe('No microphone was found.');
    const html = render(store, createElement(ProgramPanel));
    expect(html).toMatch(/role="alert" data-testid="program-mic-problem">.*No microphone was found\./u);
  });

  it('cannot end a show the engine is already ending', async () => {
    const { store } = await setup({ broadcast: onAir({ status: 'stopping' }) });
    expect(selectCanEndShow(store.getState())).toBe(false);
  });
});

describe('program panel: going live and ending the show', () => {
  it('offers "Go live" off air, and shows a failed start as an alert', async () => {
    const { store, bridge } = await setup();
    const idle = render(store, createElement(ProgramPanel));
    const goLive = buttonTag(idle, 'go-live');
    expect(goLive).toContain('aria-label="Go live"');
    expect(goLive).not.toContain('disabled');
    expect(idle).toContain('your microphone plus the room');
    expect(idle).not.toContain('data-testid="end-show"');

    bridge.handle('broadcast:start', () =>
      Promise.reject(new BridgeError('engine-error', 'No Icecast mount is configured for this space.')),
    );
    await store.getState().goLive();
    const failed = render(store, createElement(ProgramPanel));
    expect(failed).toMatch(
      /role="alert" data-testid="show-control-error"><p>Could not go live: No Icecast mount is configured for this space\.<\/p>/u,
    );
  });

  it('disables "Go live" with progress text while starting', async () => {
    const { store, bridge } = await setup();
    bridge.handle('broadcast:start', () => new Promise(() => undefined));
    void store.getState().goLive();
    const html = render(store, createElement(ProgramPanel));
    const goLive = buttonTag(html, 'go-live');
    expect(goLive).toContain('aria-busy="true"');
    expect(goLive).toContain('disabled=""');
    expect(html).toContain('Going live…');
    expect(html).toMatch(/role="status"[^>]*>Going live: starting the outputs/u);
  });

  it('offers "End show" on air, and asks before ending it', async () => {
    const { store } = await setup({ broadcast: onAir() });
    const html = render(store, createElement(ProgramPanel));
    const endShow = buttonTag(html, 'end-show');
    expect(endShow).toContain('aria-label="End show"');
    expect(endShow).not.toContain('disabled');
    expect(html).not.toContain('data-testid="go-live"');

    const confirm = render(store, createElement(EndShowConfirm, { onDone: () => undefined }));
    expect(confirm).toContain('End the show for every listener?');
    expect(buttonTag(confirm, 'end-show-confirm')).toContain('aria-label="End show"');
    expect(buttonTag(confirm, 'end-show-cancel')).toContain('aria-label="Keep broadcasting"');
  });

  it('shows a failed feed as an alert with a retry while on air', async () => {
    const { store } = await setup({ feedError: new Error('Permission denied.') });
    await store.getState().goLive();
    const html = render(store, createElement(ProgramPanel));
    expect(html).toContain('data-testid="show-control-error"');
    expect(buttonTag(html, 'retry-program-feed')).toContain('aria-label="Retry program audio"');
    expect(buttonTag(html, 'end-show')).not.toBeNull();
  });
});

describe('a desktop window that attaches to a show on air', () => {
  it('puts its microphone back into the program after its page was reloaded', async () => {
    const { store, steps } = await setup({ mode: 'desktop', broadcast: onAir() });
    await settle();
    expect(steps).toEqual(['feed:start']);
    expect(store.getState().programFeed.status).toBe('on');
    expect(store.getState().showControl).toEqual({ status: 'idle' });
  });

  it('feeds a show the app resumed after a crash (on air without this window pressing Go live)', async () => {
    const { store, steps, emitBroadcast } = await setup({ mode: 'desktop' });
    emitBroadcast(onAir());
    await settle();
    expect(steps).toEqual(['feed:start']);
    expect(store.getState().programFeed.status).toBe('on');
  });

  it('says what to do when the microphone cannot go back into the program', async () => {
    const { store } = await setup({ mode: 'desktop', broadcast: onAir(), feedError: new Error('Permission denied') });
    await settle();
    expect(store.getState().showControl.status).toBe('error');
    expect(showControlError(store)).toMatch(/You are on air, but your microphone and the room are not in the program/);
  });

  it('starts the feed once when it goes live itself', async () => {
    const { store, steps } = await setup({ mode: 'desktop' });
    await store.getState().goLive();
    await settle();
    expect(steps).toEqual(['broadcast:start', 'feed:start']);
  });

  it('leaves a browser on the headless engine alone (several may be attached)', async () => {
    const { steps } = await setup({ mode: 'headless', broadcast: onAir() });
    await settle();
    expect(steps).toEqual([]);
  });
});
