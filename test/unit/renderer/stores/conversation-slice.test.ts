import { createElement } from 'react';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../../../electron/shared/bridge';
import type { ConversationState, InviteSummary, MediaConnectionState, Participant } from '../../../../electron/shared/conversation';
import type { ConversationMedia, ConversationMediaEvents } from '../../../../renderer/audio/conversation-media';
import type { SignalOffer } from '../../../../renderer/audio/room-peer';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import {
  selectCanJoin,
  selectIsInRoom,
  selectMutedByModerator,
  selectParticipants,
  selectSelfParticipant,
} from '../../../../renderer/stores/conversation-selectors';
import type { ProgramFrameStream } from '../../../../renderer/shared/program-frames';
import { NO_PROGRAM_ROUTE } from '../../../../renderer/stores/program-feed-slice';
import type { StoreDeps } from '../../../../renderer/stores/store-types';
import { FakeBridge, sampleEngineState } from '../../../fakes/fake-bridge';
import { ConversationPanel } from '../../../../renderer/features/conversation/conversation-panel';
import { buttonTag, deferred, render, settle } from '../../../support/renderer-test-support';

/** A hand-written media layer: records what the store asks, and lets a test play the browser's part. */
class FakeMedia implements ConversationMedia {
  connected = false;
  feeding = false;
  micLive: boolean | null = null;
  connects = 0;
  selected: (string | null)[] = [];
  connectError: Error | null = null;
  /** The program stream the feed sends to; the feed owns it and closes it when it stops, as the real one does. */
  stream: ProgramFrameStream | null = null;
  lastAnswer: string | null = null;

  constructor(readonly events: ConversationMediaEvents) {}

  async connect(signal: SignalOffer): Promise<void> {
    this.connects += 1;
    if (this.connectError) throw this.connectError;
    const answer = await signal({ type: 'offer', sdp: `v=0 offer ${this.connects}` }, false);
    this.lastAnswer = answer.sdp;
    this.connected = true;
    this.events.onMediaState('connected', null);
  }
  disconnect(): void {
    this.connected = false;
  }
  setMicLive(live: boolean): void {
    this.micLive = live;
  }
  selectMicrophone(deviceId: string | null): Promise<void> {
    this.selected.push(deviceId);
    this.events.onMicrophone({
      devices: [{ id: 'usb', label: 'USB' }],
      selectedId: deviceId,
      activeId: deviceId,
      activeLabel: 'USB',
      problem: null,
    });
    return Promise.resolve();
  }
  refreshMicrophones(): Promise<void> {
    this.events.onMicrophone({
      devices: [{ id: 'usb', label: 'USB' }],
      selectedId: null,
      activeId: null,
      activeLabel: null,
      problem: null,
    });
    return Promise.resolve();
  }
  configureMicrophone(): Promise<void> {
    return Promise.resolve();
  }
  startProgramFeed(stream: ProgramFrameStream): Promise<void> {
    this.stream = stream;
    this.feeding = true;
    return Promise.resolve();
  }
  stopProgramFeed(): void {
    this.feeding = false;
    this.stream?.close();
    this.stream = null;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function self(overrides: Partial<Participant> = {}): Participant {
  return {
    id: '11',
    display: 'Ada',
    role: 'host',
    self: true,
    muted: false,
    mutedBy: null,
    talking: false,
    connected: true,
    inviteId: null,
    lock: null,
    flags: [],
    speakRequested: false,
    ...overrides,
  };
}

function joined(overrides: Partial<ConversationState> = {}, endpoint: 'primary' | 'backup' = 'primary', selfId = '11'): ConversationState {
  return {
    link: { status: 'joined', endpoint, since: 1, selfId, role: 'host' },
    space: 'Launch night',
    selfMuted: false,
    channel: { status: 'open', since: 1 },
    moderation: { autoMute: false, selfSpeakRequested: false, log: [] },
    backupRoom: { status: 'none' },
    show: { status: 'unknown' },
    participants: [self({ id: selfId }), { ...self(), id: '12', display: 'Grace', role: 'cohost', self: false }],
    ...overrides,
  };
}

const invite = (overrides: Partial<InviteSummary> = {}): InviteSummary => ({
  id: 'inv-1',
  role: 'cohost',
  label: 'Grace',
  createdAt: 1,
  expiresAt: 10_000,
  status: 'active',
  ...overrides,
});

function setup(options: { media?: boolean; conversation?: ConversationState; programRoute?: boolean } = {}): {
  store: AppStore;
  bridge: FakeBridge;
  media: () => FakeMedia;
} {
  let media: FakeMedia | null = null;
  const deps: Omit<StoreDeps, 'bridge'> = {
    now: () => 0,
    randomNonce: () => 'nonce',
    setTimer: () => () => undefined,
    ...(options.media === false
      ? {}
      : {
          createConversationMedia: (events: ConversationMediaEvents) => {
            media = new FakeMedia(events);
            return media;
          },
        }),
  };
  const bridge = new FakeBridge(options.conversation ? sampleEngineState({ conversation: options.conversation }) : undefined);
  bridge.handle('conversation:join', () => joined());
  bridge.handle('conversation:offer', ({ offer }) => ({ answer: { type: 'answer', sdp: `answer to ${offer.sdp}` } }));
  bridge.handle('conversation:leave', () => ({ left: true }));
  bridge.handle('conversation:report-media', () => ({ accepted: true }));
  bridge.handle('conversation:set-muted', ({ muted }) =>
    joined({ selfMuted: muted, participants: [self({ muted, mutedBy: muted ? 'self' : null })] }),
  );
  const store = createAppStore({ ...deps, bridge: bridge.binding(options.programRoute === false ? { programRoute: false } : {}) });
  return {
    store,
    bridge,
    media: () => {
      if (!media) throw new Error('no media created');
      return media;
    },
  };
}

function emitConversation(bridge: FakeBridge, conversation: ConversationState): void {
  bridge.emit('engine:state', sampleEngineState({ conversation }));
}

describe('conversation slice: mirroring', () => {
  it('mirrors the engine state conversation, null before the first state', async () => {
    const store = createAppStore({
      now: () => 0,
      randomNonce: () => 'n',
      setTimer: () => () => undefined,
      bridge: new FakeBridge().binding(),
    });
    expect(store.getState().conversation).toBeNull();
    const { store: attached, bridge } = setup();
    await settle();
    expect(attached.getState().conversation?.link.status).toBe('idle');
    emitConversation(bridge, joined());
    expect(selectIsInRoom(attached.getState())).toBe(true);
    expect(selectParticipants(attached.getState())).toHaveLength(2);
    expect(selectSelfParticipant(attached.getState())?.display).toBe('Ada');
  });
});

describe('conversation slice: joining', () => {
  it('joins, then negotiates the media through conversation:offer', async () => {
    const { store, bridge, media } = setup();
    await settle();
    expect(selectCanJoin(store.getState())).toBe(true);
    const joining = store.getState().joinConversation('Ada', '  steadycast://join/abc  ');
    expect(store.getState().joinStatus.status).toBe('joining');
    await joining;
    expect(bridge.callsOf('conversation:join')[0]?.payload).toEqual({ display: 'Ada', invite: 'steadycast://join/abc' });
    expect(bridge.callsOf('conversation:offer')[0]?.payload).toEqual({ offer: { type: 'offer', sdp: 'v=0 offer 1' }, iceRestart: false });
    expect(media().lastAnswer).toBe('answer to v=0 offer 1');
    expect(store.getState().joinStatus).toEqual({ status: 'joined' });
    expect(store.getState().conversation?.link.status).toBe('joined');
    expect(store.getState().media).toEqual({ state: 'connected', detail: null });
    expect(bridge.callsOf('conversation:report-media').at(-1)?.payload).toEqual({ state: 'connected' });
    expect(media().micLive).toBe(true);
  });

  it('leaves out an empty invite (the host joins with the space configuration)', async () => {
    const { store, bridge } = setup();
    await store.getState().joinConversation('Ada', '   ');
    expect(bridge.callsOf('conversation:join')[0]?.payload).toEqual({ display: 'Ada' });
  });

  it("shows the engine's words when the join is refused, and sends no offer", async () => {
    const { store, bridge } = setup();
    bridge.handle('conversation:join', () => {
      throw new BridgeError('engine-error', 'This invite was revoked. Ask the host for a new one.');
    });
    await store.getState().joinConversation('Ada', 'code');
    expect(store.getState().joinStatus).toEqual({
      status: 'failed',
      error: 'Could not join the conversation: This invite was revoked. Ask the host for a new one.',
    });
    expect(bridge.callsOf('conversation:offer')).toHaveLength(0);
  });

  it('leaves the room again when the media cannot connect', async () => {
    const { store, bridge, media } = setup();
    await store.getState().refreshMicrophones();
    media().connectError = new Error('Steadycast may not use the microphone.');
    await store.getState().joinConversation('Ada');
    expect(store.getState().joinStatus).toEqual({
      status: 'failed',
      error: expect.stringContaining('Steadycast may not use the microphone.'),
    });
    expect(bridge.callsOf('conversation:leave')).toHaveLength(1);
  });

  it('says so when the window has no media layer, or its bridge is disconnected', async () => {
    const { store } = setup({ media: false });
    await store.getState().joinConversation('Ada');
    expect(store.getState().joinStatus).toEqual({ status: 'failed', error: expect.stringMatching(/cannot use a microphone/) });

    const disconnected = setup();
    disconnected.bridge.disconnect();
    await disconnected.store.getState().joinConversation('Ada');
    expect(disconnected.store.getState().joinStatus).toEqual({
      status: 'failed',
      error: expect.stringMatching(/Not connected to the engine/),
    });
  });

  it('ignores a second join while one is in flight', async () => {
    const { store, bridge } = setup();
    const first = store.getState().joinConversation('Ada');
    await store.getState().joinConversation('Ada');
    await first;
    expect(bridge.callsOf('conversation:join')).toHaveLength(1);
  });

  it('leaves: media closed, engine told, status idle', async () => {
    const { store, bridge, media } = setup();
    await store.getState().joinConversation('Ada');
    await store.getState().leaveConversation();
    expect(media().connected).toBe(false);
    expect(bridge.callsOf('conversation:leave')).toHaveLength(1);
    expect(store.getState().joinStatus).toEqual({ status: 'idle' });
  });
});

describe('conversation slice: following the engine', () => {
  it('drops the media and shows the reason when the link fails', async () => {
    const { store, bridge, media } = setup();
    await store.getState().joinConversation('Ada');
    emitConversation(bridge, {
      ...joined(),
      link: { status: 'failed', endpoint: 'primary', at: 5, reason: 'The room was destroyed. Ask the host to start it again.' },
    });
    expect(media().connected).toBe(false);
    expect(store.getState().joinStatus).toEqual({ status: 'failed', error: 'The room was destroyed. Ask the host to start it again.' });
  });

  it('keeps the media while the engine reconnects its session', async () => {
    const { store, bridge, media } = setup();
    await store.getState().joinConversation('Ada');
    emitConversation(bridge, {
      ...joined(),
      link: { status: 'reconnecting', endpoint: 'primary', since: 2, attempt: 1, nextAttemptAt: 3, reason: 'lost' },
    });
    expect(media().connected).toBe(true);
    expect(store.getState().joinStatus.status).toBe('joined');
  });

  it('negotiates again when the engine moved the conversation to the backup room', async () => {
    const { store, bridge, media } = setup();
    await store.getState().joinConversation('Ada');
    emitConversation(bridge, joined({}, 'backup', '99'));
    await settle();
    expect(media().connects).toBe(2);
    expect(bridge.callsOf('conversation:offer')).toHaveLength(2);
    // The same room again is not a move.
    emitConversation(bridge, joined({}, 'backup', '99'));
    await settle();
    expect(media().connects).toBe(2);
  });
});

describe('conversation slice: a window that opens while its engine is in the room (reload, renderer crash)', () => {
  it("connects its audio to the seat once, with a fresh offer, keeping the engine's mute", async () => {
    const mutedSeat = joined({ selfMuted: true, participants: [self({ muted: true, mutedBy: 'self' })] });
    const { store, bridge, media } = setup({ conversation: mutedSeat });
    await settle();
    expect(media().connects).toBe(1);
    expect(bridge.callsOf('conversation:offer').map((call) => call.payload)).toMatchObject([{ iceRestart: false }]);
    expect(media().micLive, 'the microphone stays off: the engine has it muted').toBe(false);
    expect(store.getState().joinStatus).toEqual({ status: 'joined' });
    // Later states of the same room do not connect again.
    emitConversation(bridge, mutedSeat);
    emitConversation(bridge, joined({ selfMuted: true, participants: [self({ muted: true, mutedBy: 'self', talking: true })] }));
    await settle();
    expect(media().connects).toBe(1);
  });

  it('waits for the engine to be joined again when it opens during a reconnect', async () => {
    const { bridge, media } = setup({
      conversation: {
        ...joined(),
        link: { status: 'reconnecting', endpoint: 'primary', since: 2, attempt: 1, nextAttemptAt: 3, reason: 'lost' },
      },
    });
    await settle();
    expect(bridge.callsOf('conversation:offer')).toHaveLength(0);
    emitConversation(bridge, joined());
    await settle();
    expect(media().connects).toBe(1);
  });

  it('does not take the audio over from another window that joins after it opened', async () => {
    const { bridge } = setup();
    await settle();
    emitConversation(bridge, joined());
    await settle();
    expect(bridge.callsOf('conversation:offer')).toHaveLength(0);
  });

  it('says what to do when the audio cannot connect to the seat', async () => {
    const { store, bridge } = setup({ conversation: joined() });
    bridge.handle('conversation:offer', () => {
      throw new BridgeError('engine-error', 'Not connected to the room right now: wait for the conversation to reconnect.');
    });
    await settle();
    expect(store.getState().media).toEqual({
      state: 'failed',
      detail:
        'Could not reconnect the audio to the room: Not connected to the room right now: wait for the conversation to reconnect. Leave the room and join again.',
    });
    expect(store.getState().joinStatus.status).toBe('joined');
  });
});

describe('conversation slice: self-mute', () => {
  it('mutes locally at once, then confirms with the engine', async () => {
    const { store, bridge, media } = setup();
    await store.getState().joinConversation('Ada');
    const toggling = store.getState().toggleSelfMute();
    // Before the round trip: track and program already silent.
    expect(media().micLive).toBe(false);
    expect(store.getState().selfMute).toEqual({ muted: true, request: { status: 'sending' } });
    await toggling;
    expect(bridge.callsOf('conversation:set-muted')[0]?.payload).toEqual({ muted: true });
    expect(store.getState().selfMute).toEqual({ muted: true, request: { status: 'done', value: undefined } });
    expect(store.getState().conversation?.selfMuted).toBe(true);

    await store.getState().toggleSelfMute();
    expect(bridge.callsOf('conversation:set-muted')[1]?.payload).toEqual({ muted: false });
    expect(media().micLive).toBe(true);
  });

  it('stays muted here when the mute request fails, and says what that means', async () => {
    const { store, bridge, media } = setup();
    await store.getState().joinConversation('Ada');
    bridge.handle('conversation:set-muted', () => {
      throw new BridgeError('disconnected', 'The engine is not reachable.');
    });
    await store.getState().toggleSelfMute();
    expect(media().micLive).toBe(false);
    expect(store.getState().selfMute.muted).toBe(true);
    expect(store.getState().selfMute.request).toEqual({
      status: 'failed',
      error: expect.stringMatching(/off in the program.*The engine is not reachable\./),
    });
    // An engine state that still says unmuted does not turn the microphone back on.
    emitConversation(bridge, joined());
    expect(media().micLive).toBe(false);
  });

  it('follows a moderator mute from the engine', async () => {
    const { store, bridge, media } = setup();
    await store.getState().joinConversation('Ada');
    emitConversation(bridge, joined({ participants: [self({ muted: true, mutedBy: 'moderator' })] }));
    expect(media().micLive).toBe(false);
    expect(store.getState().selfMute.muted).toBe(true);
    expect(selectMutedByModerator(store.getState())).toBe(true);
  });

  it('mutes only locally while not in a room', async () => {
    const { store, bridge, media } = setup();
    await store.getState().startProgramFeed();
    await store.getState().toggleSelfMute();
    expect(media().micLive).toBe(false);
    expect(bridge.callsOf('conversation:set-muted')).toHaveLength(0);
  });
});

describe('conversation slice: microphone and program feed', () => {
  it('reports devices, choice and level from the media layer', async () => {
    const { store, media } = setup();
    await store.getState().selectMicrophone('usb');
    expect(media().selected).toEqual(['usb']);
    expect(store.getState().microphone).toMatchObject({ devices: [{ id: 'usb', label: 'USB' }], selectedId: 'usb', activeLabel: 'USB' });
    media().events.onMicLevel(-23.5);
    expect(store.getState().microphone.levelDb).toBe(-23.5);
    await store.getState().selectMicrophone('default');
    expect(media().selected).toEqual(['usb', null]);
  });

  it('sends the program on the bridge’s worker stream, and stops (closing it) when the show ends', async () => {
    const { store, bridge, media } = setup();
    await store.getState().startProgramFeed();
    expect(store.getState().programFeed).toEqual({ status: 'on' });
    expect(bridge.programStreams).toHaveLength(1);
    expect(media().stream).toBe(bridge.programStreams[0]);
    // No frame goes through this thread.
    expect(bridge.pcmFrames).toHaveLength(0);

    const onAir = sampleEngineState();
    bridge.emit('engine:state', {
      ...onAir,
      broadcast: {
        status: 'live',
        startedAt: 1,
        source: 'bridge',
        channels: 2,
        bitrateKbps: 128,
        configuredBitrateKbps: 128,
        outputs: [],
        recording: null,
      },
    } as never);
    bridge.emit('engine:state', onAir);
    expect(media().feeding).toBe(false);
    expect(store.getState().programFeed.status).toBe('off');
    expect(bridge.programStreams[0]?.closed).toBe(true);
  });

  it('says what to do when the window has no route for the program (no access token)', async () => {
    const { store, media } = setup({ programRoute: false });
    await store.getState().startProgramFeed();
    expect(store.getState().programFeed).toEqual({ status: 'error', error: NO_PROGRAM_ROUTE });
    expect(media().feeding).toBe(false);
  });

  it('reports media state changes to the engine only while in a room', async () => {
    const { store, bridge, media } = setup();
    await store.getState().refreshMicrophones();
    media().events.onMediaState('connecting' satisfies MediaConnectionState, null);
    await settle();
    expect(bridge.callsOf('conversation:report-media')).toHaveLength(0);
    emitConversation(bridge, joined());
    media().events.onMediaState('disconnected', 'The audio connection is interrupted.');
    await settle();
    expect(bridge.callsOf('conversation:report-media').at(-1)?.payload).toEqual({
      state: 'disconnected',
      detail: 'The audio connection is interrupted.',
    });
    expect(store.getState().media).toEqual({ state: 'disconnected', detail: 'The audio connection is interrupted.' });
  });
});

describe('conversation slice: invites', () => {
  it('previews an invite, and keeps only the latest answer', async () => {
    const { store, bridge } = setup();
    bridge.handle('invites:preview', ({ invite: code }) => ({
      id: code,
      space: 'Launch night',
      role: 'cohost',
      expiresAt: 10,
      endpoints: ['primary', 'backup'],
    }));
    await store.getState().previewInvite('  abc  ');
    expect(bridge.callsOf('invites:preview')[0]?.payload).toEqual({ invite: 'abc' });
    expect(store.getState().invitePreview).toMatchObject({ status: 'done', value: { id: 'abc' } });

    bridge.handle('invites:preview', () => {
      throw new BridgeError('engine-error', 'This invite expired. Ask the host for a new one.');
    });
    await store.getState().previewInvite('old');
    expect(store.getState().invitePreview).toEqual({ status: 'failed', error: 'This invite expired. Ask the host for a new one.' });
    await store.getState().previewInvite('');
    expect(store.getState().invitePreview.status).toBe('idle');
  });

  it('creates, lists and revokes invites', async () => {
    const { store, bridge } = setup();
    bridge.handle('invites:list', () => ({ invites: [invite({ id: 'old' })] }));
    bridge.handle('invites:create', ({ role, label }) => ({
      invite: invite({ id: 'new', role, label }),
      code: 'CODE',
      link: 'steadycast://join/CODE',
    }));
    bridge.handle('invites:revoke', ({ id }) => ({ invite: invite({ id, status: 'revoked' }), removed: 1 }));

    await store.getState().loadInvites();
    expect(store.getState().invites.items.map((item) => item.id)).toEqual(['old']);

    const creating = store.getState().createInvite('producer', 'Lin', 60);
    expect(store.getState().inviteRequest.status).toBe('sending');
    await creating;
    expect(bridge.callsOf('invites:create')[0]?.payload).toEqual({ role: 'producer', label: 'Lin', expiresInMinutes: 60 });
    expect(store.getState().inviteRequest).toEqual({ status: 'done', value: undefined });
    expect(store.getState().invites).toMatchObject({ lastCreated: { code: 'CODE', link: 'steadycast://join/CODE' } });
    expect(store.getState().invites.items.map((item) => item.id)).toEqual(['new', 'old']);

    await store.getState().revokeInvite('new', true);
    expect(bridge.callsOf('invites:revoke')[0]?.payload).toEqual({ id: 'new', removeParticipants: true });
    expect(store.getState().invites.items[0]?.status).toBe('revoked');
    expect(store.getState().invites.lastCreated).toBeNull();
  });

  it('shows a failed invite command in plain words', async () => {
    const { store, bridge } = setup();
    bridge.handle('invites:create', () => {
      throw new BridgeError('engine-error', 'Only the host can create invites.');
    });
    await store.getState().createInvite('cohost', '', 60);
    expect(store.getState().inviteRequest).toEqual({
      status: 'failed',
      error: 'Could not create the invite: Only the host can create invites.',
    });
  });
});

describe('conversation panel: join progress and the backup room', () => {
  it('shows the steps of a join, done, under way and to come', async () => {
    const connecting: ConversationState = {
      ...joined(),
      link: { status: 'connecting', endpoint: 'primary', since: 1, steps: ['server', 'room', 'seat'], step: 'room' },
      participants: [],
    };
    const { store } = setup({ conversation: connecting });
    await settle();
    const html = render(store, createElement(ConversationPanel));
    expect(html).toMatch(/<progress[^>]*max="3"[^>]*value="1"/);
    expect(html).toContain('Joining: step 2 of 3');
    expect(html).toMatch(/data-state="done"[^>]*>Reach the conversation server/);
    expect(html).toMatch(/data-state="active" aria-current="step">Open the room/);
    expect(html).toMatch(/data-state="todo"[^>]*>Take your seat/);
  });

  it('says when the backup room is ready, and offers to prepare it again when it failed', async () => {
    const { store, bridge } = setup({ conversation: joined({ backupRoom: { status: 'ready', at: 5 } }) });
    await settle();
    expect(render(store, createElement(ConversationPanel))).toContain('Backup room ready');

    emitConversation(
      bridge,
      joined({
        backupRoom: {
          status: 'failed',
          at: 6,
          reason: 'The backup room could not be prepared: connection refused. Check the backup Janus, then prepare it again.',
        },
      }),
    );
    const html = render(store, createElement(ConversationPanel));
    expect(html).toContain('connection refused');
    expect(buttonTag(html, 'backup-room-retry')).not.toBeNull();

    const answer = deferred<{ rooms: [] }>();
    bridge.handle('space:provision', () => answer.promise);
    const retry = store.getState().prepareBackupRoom();
    expect(buttonTag(render(store, createElement(ConversationPanel)), 'backup-room-retry')).toContain('disabled');
    // A second press while the first is in flight sends nothing more.
    await store.getState().prepareBackupRoom();
    answer.resolve({ rooms: [] });
    await retry;
    expect(bridge.callsOf('space:provision')).toHaveLength(1);
    expect(store.getState().backupRoomRequest).toEqual({ status: 'done', value: undefined });

    bridge.handle('space:provision', () => {
      throw new BridgeError('engine-error', 'No conversation room is configured.');
    });
    await store.getState().prepareBackupRoom();
    expect(store.getState().backupRoomRequest).toEqual({
      status: 'failed',
      error: 'Could not prepare the rooms: No conversation room is configured.',
    });
  });

  it('a co-host (nothing to prepare) sees no backup room line', async () => {
    const { store } = setup({ conversation: joined() });
    await settle();
    expect(render(store, createElement(ConversationPanel))).not.toContain('data-testid="backup-room"');
  });
});
