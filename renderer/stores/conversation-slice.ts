import type { EventPayload } from '../../electron/shared/contract';
import type { ConversationState, InvitePreview, InviteSummary, MediaConnectionState } from '../../electron/shared/conversation';
import type { ConversationMedia, ConversationMediaEvents } from '../audio/conversation-media';
import type { MicrophoneSnapshot } from '../audio/microphone';
import { canOpenPcmStream } from '../bridge/pcm-stream';
import { describeFailure, NOT_CONNECTED } from './describe-failure';
import { followSavedMicrophone, selectMicrophoneCapture } from './saved-microphone';
import type { AppSlice, AppState, StoreDeps } from './store-types';

/*
 * The conversation as this window takes part in it: the room state mirrored from the engine, the
 * media this window runs (microphone, peer connection, program capture), join/mute/leave, and the
 * host's invites. Signalling goes through the bridge; media never leaves renderer/audio.
 *
 * Self-mute is applied locally at once (sent track disabled, program gain 0) and then confirmed
 * by the engine; until the engine agrees, the wish in flight wins. A failed mute stays muted
 * locally (silence is the safe side), with the error shown.
 *
 * Moderation (host and producers) is not applied ahead of the engine: a moderator's mute or removal
 * is the room's word only once the engine confirms it, so the UI shows the request in flight and
 * then the state the engine returns.
 */

/** The microphone as the UI shows it. */
export interface MicrophoneState {
  devices: { id: string; label: string }[];
  selectedId: string | null;
  activeLabel: string | null;
  problem: string | null;
  levelDb: number | null;
}

/** The program feed: this window's microphone + room mix sent as PCM to the engine. */
export interface ProgramFeedState {
  status: 'off' | 'starting' | 'on' | 'error';
  error: string | null;
}

/** What a moderator asked for one participant. */
export type ModerationAction = 'mute' | 'unmute' | 'remove';

/** A moderator's request about one participant: the one in flight, and why the last one failed. */
export interface ModerationRequest {
  pending: ModerationAction | null;
  error: string | null;
}

/** The moderator tools' requests (host and producers). */
export interface ModerationState {
  /** By participant id; a participant without an entry has nothing in flight and no error. */
  participants: Readonly<Record<string, ModerationRequest>>;
  /** "Mute all but hosts": in flight, why it failed, and how many the last one muted. */
  muteAll: { sending: boolean; error: string | null; lastMuted: number | null };
}

/** An invite link opened outside the app (`steadycast://join/…`, handed over by the desktop app) and what became of it. */
export type OpenedInvite =
  /** In the join-by-invite form, and checked with `invites:preview`. */
  | { status: 'prefilled'; link: string }
  /** Not used: this window is in a room (or joining one). */
  | { status: 'not-used'; message: string }
  /** The link opened is not an invite. */
  | { status: 'invalid'; message: string };

/** The conversation part of the store. */
export interface ConversationSlice {
  /** Mirrored from engine state (engine:state → state.conversation); null before the first state. */
  conversation: ConversationState | null;
  /** Microphone devices and choice. */
  microphone: MicrophoneState;
  /** The renderer's RTCPeerConnection state. */
  media: { state: MediaConnectionState; detail: string | null };
  joinStatus: { status: 'idle' | 'joining' | 'joined' | 'error'; error: string | null };
  /** Self-mute as applied here now (ahead of the engine while a request is in flight), and why the last request failed. */
  selfMute: { muted: boolean; sending: boolean; error: string | null };
  programFeed: ProgramFeedState;
  invitePreview: { status: 'idle' | 'checking' | 'ok' | 'error'; preview: InvitePreview | null; error: string | null };
  invites: { items: InviteSummary[]; lastCreated: { invite: InviteSummary; code: string; link: string } | null; status: 'idle' | 'busy' | 'error'; error: string | null };
  moderation: ModerationState;
  /** The host's "prepare the backup room again" request (how it went is the engine's `backupRoom`). */
  backupRoomRequest: { sending: boolean; error: string | null };
  /** The invite link last opened outside the app; null when none, or once another invite is checked. */
  openedInvite: OpenedInvite | null;
  /** conversation:join, then the media: microphone, offer/answer. */
  joinConversation(display: string, invite?: string): Promise<void>;
  leaveConversation(): Promise<void>;
  /** conversation:set-muted with the opposite of the mute applied now (the keyboard shortcut calls this). */
  toggleSelfMute(): Promise<void>;
  /** Chooses the microphone ('' or 'default': the system default). */
  selectMicrophone(deviceId: string): Promise<void>;
  /** Lists the microphones (e.g. when the settings open, before joining). */
  refreshMicrophones(): Promise<void>;
  /** Starts sending the program (microphone + room) to the engine: call after `broadcast:start` with source `bridge`. */
  startProgramFeed(): Promise<void>;
  stopProgramFeed(): void;
  previewInvite(input: string): Promise<void>;
  /** `invites:opened`: outside a room, prefills the invite form and checks the link; in a room, says it was not used. */
  receiveOpenedInvite(opened: EventPayload<'invites:opened'>): void;
  createInvite(role: 'cohost' | 'producer', label: string, expiresInMinutes: number): Promise<void>;
  loadInvites(): Promise<void>;
  revokeInvite(id: string, removeParticipants: boolean): Promise<void>;
  /** moderation:set-muted for someone else; ignored while a request about them is in flight. */
  moderateMute(participantId: string, muted: boolean): Promise<void>;
  /** moderation:remove; ignored while a request about them is in flight. */
  removeParticipant(participantId: string): Promise<void>;
  /** moderation:mute-all: mutes everyone who is not a host; ignored while one is in flight. */
  muteAllButHosts(): Promise<void>;
  /** space:provision: the host creates (or checks) the rooms again, the backup's included; ignored while one is in flight. */
  prepareBackupRoom: () => Promise<void>;
}

const IN_ROOM = 'The invite link you opened was not used: you are in a room. Leave the room, then open the invite link again.';
const NO_MEDIA = 'This window cannot use a microphone or audio connection. Open Steadycast in the desktop app or a current Chromium browser.';

/** True when the link means this window is (or is becoming) a participant of the room. */
export function isInRoom(conversation: ConversationState | null): boolean {
  const status = conversation?.link.status;
  return status === 'connecting' || status === 'joined' || status === 'reconnecting';
}

/** Whether the engine has our microphone muted (by ourselves or by a moderator). */
export function engineMuted(conversation: ConversationState | null): boolean {
  if (!conversation) return false;
  return conversation.selfMuted || conversation.participants.some((participant) => participant.self && participant.muted);
}

/** Which room the media was negotiated with: a change (failover to the backup room, a new feed) needs a new offer. */
function roomIdentity(conversation: ConversationState | null): string | null {
  const link = conversation?.link;
  return link?.status === 'joined' ? `${link.endpoint}/${link.selfId}` : null;
}

/** The start of a failed moderation request's message, before the participant's name. */
const MODERATION_FAILURE: Record<ModerationAction, string> = { mute: 'Could not mute', unmute: 'Could not unmute', remove: 'Could not remove' };

/** A participant's name for messages, while the engine still lists them. */
function nameOf(conversation: ConversationState | null, participantId: string): string {
  return conversation?.participants.find((participant) => participant.id === participantId)?.display || 'this participant';
}

/** True when `text` names `name` as a whole word ("Jo" is not in "Join"). */
function mentions(text: string, name: string): boolean {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/gu, '\\$&');
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])${escaped}(?:$|[^\\p{L}\\p{N}])`, 'u').test(text);
}

/** The entries worth keeping once the room changed: those in flight, and those of people still here. */
function pruneModeration(entries: ModerationState['participants'], conversation: ConversationState | null): ModerationState['participants'] | null {
  const present = new Set(conversation?.participants.map((participant) => participant.id));
  const kept = Object.entries(entries).filter(([id, request]) => request.pending !== null || present.has(id));
  return kept.length === Object.keys(entries).length ? null : Object.fromEntries(kept);
}

const EMPTY_MICROPHONE: MicrophoneState = { devices: [], selectedId: null, activeLabel: null, problem: null, levelDb: null };

/** Creates the conversation slice. */
export function createConversationSlice(deps: StoreDeps): AppSlice<ConversationSlice> {
  return (set, get, api) => {
    let media: ConversationMedia | null = null;
    /** The mute wished here and not yet confirmed by the engine; null when the engine's word stands. */
    let pendingMute: boolean | null = null;
    /** Mute while not in a room (the program still carries the microphone). */
    let localMuted = false;
    /** The room the current media session was negotiated with. */
    let mediaRoom: string | null = null;
    let renegotiating = false;
    /**
     * Whether this page takes over the engine's seat in the room: decided by the first state it
     * sees (the engine was in the room before this page opened); done once, or on a join from here.
     */
    let takeover: 'undecided' | 'pending' | 'done' = 'undecided';
    let previewRequest = 0;

    const effectiveMuted = (state: AppState): boolean => pendingMute ?? (isInRoom(state.conversation) ? engineMuted(state.conversation) : localMuted);

    const applyMute = (): void => {
      const muted = effectiveMuted(get());
      media?.setMicLive(!muted);
      if (get().selfMute.muted !== muted) set((current) => ({ selfMute: { ...current.selfMute, muted } }));
    };

    const events: ConversationMediaEvents = {
      onMicrophone(snapshot: MicrophoneSnapshot) {
        set((current) => ({
          microphone: { devices: snapshot.devices, selectedId: snapshot.selectedId, activeLabel: snapshot.activeLabel, problem: snapshot.problem, levelDb: current.microphone.levelDb },
        }));
      },
      onMediaState(state, detail) {
        set({ media: { state, detail } });
        const bridge = get().bridge;
        if (bridge && isInRoom(get().conversation)) {
          // Health reporting only: a lost report must not disturb the media.
          bridge.invoke('conversation:report-media', detail === null ? { state } : { state, detail: detail.slice(0, 500) }).catch(() => undefined);
        }
      },
      onMicLevel(levelDb) {
        if (get().microphone.levelDb !== levelDb) set((current) => ({ microphone: { ...current.microphone, levelDb } }));
      },
      onMicReport(report) {
        get().receiveMicReport(report);
      },
    };

    const ensureMedia = (): ConversationMedia | null => {
      if (!media && deps.createConversationMedia) {
        media = deps.createConversationMedia(events);
        media.setMicLive(!effectiveMuted(get()));
        // The saved device and processing (the microphone is not open yet: this only sets them).
        void media.configureMicrophone(selectMicrophoneCapture(get())).catch(() => undefined);
      }
      return media;
    };

    /** Offer/answer through the bridge; remembers which room the media belongs to. */
    const connectMedia = async (): Promise<void> => {
      const bridge = get().bridge;
      const current = ensureMedia();
      if (!bridge) throw new Error(NOT_CONNECTED);
      if (!current) throw new Error(NO_MEDIA);
      mediaRoom = roomIdentity(get().conversation);
      await current.connect(async (offer, iceRestart) => (await bridge.invoke('conversation:offer', { offer, iceRestart })).answer);
      mediaRoom = roomIdentity(get().conversation) ?? mediaRoom;
    };

    /**
     * A window that opens (reload, renderer crash) while its engine is in the room: the engine
     * kept the seat, this page connects its own audio to it (a fresh offer: the engine hangs up
     * the old page's connection and keeps the feed, mute and locks). Another window opened beside
     * one already in the room does not take its audio over when that one joins.
     */
    const reattachMedia = (conversation: ConversationState | null): void => {
      if (conversation === null || takeover === 'done') return;
      if (takeover === 'undecided') takeover = isInRoom(conversation) ? 'pending' : 'done';
      if (takeover === 'done' || conversation.link.status !== 'joined' || !get().bridge || !deps.createConversationMedia) return;
      takeover = 'done';
      set({ joinStatus: { status: 'joining', error: null }, media: { state: 'new', detail: null } });
      connectMedia()
        .then(() => set({ joinStatus: { status: 'joined', error: null } }))
        .catch((error: unknown) => {
          media?.disconnect();
          set({ joinStatus: { status: 'joined', error: null }, media: { state: 'failed', detail: `Could not reconnect the audio to the room: ${describeFailure(error).replace(/\.$/u, '')}. Leave the room and join again.` } });
        })
        .finally(() => followConversation(get().conversation, null));
    };

    /** Follows the engine's room: mirror it, drop media when the link ends, renegotiate after a move to another room. */
    const followConversation = (conversation: ConversationState | null, previous: ConversationState | null): void => {
      if (conversation === previous) return;
      if (pendingMute !== null && conversation && isInRoom(conversation) && engineMuted(conversation) === pendingMute) pendingMute = null;
      applyMute();
      const joinStatus = get().joinStatus.status;
      if (joinStatus !== 'joining' && !media?.connected) reattachMedia(conversation);
      if (!media?.connected || joinStatus === 'joining') return;
      const link = conversation?.link;
      if (!link || link.status === 'idle' || link.status === 'failed') {
        media.disconnect();
        mediaRoom = null;
        set({
          joinStatus: link?.status === 'failed' ? { status: 'error', error: link.reason } : { status: 'idle', error: null },
        });
        return;
      }
      const room = roomIdentity(conversation);
      if (room !== null && mediaRoom !== null && room !== mediaRoom && !renegotiating) {
        renegotiating = true;
        connectMedia()
          .catch((error: unknown) => set({ media: { state: 'failed', detail: `Could not connect the audio to the new room: ${describeFailure(error)}` } }))
          .finally(() => {
            renegotiating = false;
          });
      }
    };

    followSavedMicrophone(api, () => media);

    api.subscribe((state, previous) => {
      const conversation = state.engine?.conversation ?? null;
      if (conversation !== (previous.engine?.conversation ?? null) && conversation !== state.conversation) {
        const before = state.conversation;
        set({ conversation });
        followConversation(conversation, before);
      }
      // The show ended (here or in another window): stop sending.
      if (state.engine && !state.engine.broadcast && previous.engine?.broadcast && media?.feeding) get().stopProgramFeed();
    });

    // invites:opened comes from the desktop app's main process, on whichever bridge is attached.
    let stopOpenedInvites: (() => void) | null = null;
    api.subscribe((state, previous) => {
      if (state.bridge === previous.bridge) return;
      stopOpenedInvites?.();
      stopOpenedInvites = state.bridge?.on('invites:opened', (opened) => get().receiveOpenedInvite(opened)) ?? null;
    });

    // Entries of people who left (or of a room we left) would show stale errors on a later row.
    api.subscribe((state, previous) => {
      if (state.conversation === previous.conversation) return;
      const participants = pruneModeration(state.moderation.participants, state.conversation);
      const leftRoom = !isInRoom(state.conversation) && state.moderation.muteAll.error !== null;
      if (participants === null && !leftRoom) return;
      set((current) => ({
        moderation: {
          participants: participants ?? current.moderation.participants,
          muteAll: leftRoom ? { ...current.moderation.muteAll, error: null } : current.moderation.muteAll,
        },
      }));
    });

    /** Mirrors a state the engine returned to a command, and acts on it as on an engine:state. */
    const applyConversation = (conversation: ConversationState): void => {
      const before = get().conversation;
      set({ conversation });
      followConversation(conversation, before);
    };

    const setModeration = (participantId: string, request: ModerationRequest | null): void =>
      set((current) => {
        const participants = Object.fromEntries(Object.entries(current.moderation.participants).filter(([id]) => id !== participantId));
        if (request !== null) participants[participantId] = request;
        return { moderation: { ...current.moderation, participants } };
      });

    const setMuteAll = (patch: Partial<ModerationState['muteAll']>): void => set((current) => ({ moderation: { ...current.moderation, muteAll: { ...current.moderation.muteAll, ...patch } } }));

    /** One moderation request about one participant: at most one in flight each, the engine's answer applied. */
    const moderate = async (participantId: string, action: ModerationAction, send: (bridge: NonNullable<AppState['bridge']>) => Promise<ConversationState>): Promise<void> => {
      if (get().moderation.participants[participantId]?.pending) return;
      const bridge = get().bridge;
      if (!bridge) {
        setModeration(participantId, { pending: null, error: NOT_CONNECTED });
        return;
      }
      const name = nameOf(get().conversation, participantId);
      setModeration(participantId, { pending: action, error: null });
      try {
        applyConversation(await send(bridge));
        setModeration(participantId, null);
      } catch (error) {
        const reason = describeFailure(error);
        // The engine often names them already ("Janus refused to remove Cole: …"): say it once.
        const what = mentions(reason, name) ? MODERATION_FAILURE[action] : `${MODERATION_FAILURE[action]} ${name}`;
        setModeration(participantId, { pending: null, error: `${what}: ${reason}` });
      }
    };

    const setInvites = (patch: Partial<ConversationSlice['invites']>): void => set((current) => ({ invites: { ...current.invites, ...patch } }));

    /** One invite request: busy while it runs, its failure shown as "Could not <what>: …"; `run` applies the result. */
    const inviteRequest = async (what: string, run: (bridge: NonNullable<AppState['bridge']>) => Promise<void>): Promise<void> => {
      const bridge = get().bridge;
      if (!bridge) {
        setInvites({ status: 'error', error: NOT_CONNECTED });
        return;
      }
      setInvites({ status: 'busy', error: null });
      try {
        await run(bridge);
      } catch (error) {
        setInvites({ status: 'error', error: `Could not ${what}: ${describeFailure(error)}` });
      }
    };

    return {
      conversation: null,
      microphone: EMPTY_MICROPHONE,
      media: { state: 'new', detail: null },
      joinStatus: { status: 'idle', error: null },
      selfMute: { muted: false, sending: false, error: null },
      programFeed: { status: 'off', error: null },
      invitePreview: { status: 'idle', preview: null, error: null },
      invites: { items: [], lastCreated: null, status: 'idle', error: null },
      moderation: { participants: {}, muteAll: { sending: false, error: null, lastMuted: null } },
      backupRoomRequest: { sending: false, error: null },
      openedInvite: null,

      async joinConversation(display, invite) {
        const bridge = get().bridge;
        if (!bridge) {
          set({ joinStatus: { status: 'error', error: NOT_CONNECTED } });
          return;
        }
        if (get().joinStatus.status === 'joining') return;
        if (!ensureMedia()) {
          set({ joinStatus: { status: 'error', error: NO_MEDIA } });
          return;
        }
        set({ joinStatus: { status: 'joining', error: null }, media: { state: 'new', detail: null } });
        takeover = 'done';
        const trimmedInvite = invite?.trim();
        let state: ConversationState;
        try {
          state = await bridge.invoke('conversation:join', trimmedInvite ? { display, invite: trimmedInvite } : { display });
        } catch (error) {
          set({ joinStatus: { status: 'error', error: `Could not join the conversation: ${describeFailure(error)}` } });
          return;
        }
        const before = get().conversation;
        set({ conversation: state });
        pendingMute = null;
        applyMute();
        try {
          await connectMedia();
        } catch (error) {
          // In the room without audio helps nobody: leave, and say why.
          media?.disconnect();
          mediaRoom = null;
          await bridge.invoke('conversation:leave', {}).catch(() => undefined);
          set({ joinStatus: { status: 'error', error: `Joined, but the audio could not connect: ${describeFailure(error)}` } });
          return;
        }
        set({ joinStatus: { status: 'joined', error: null } });
        // States that arrived while the media connected: act on the latest.
        followConversation(get().conversation, before);
      },

      async prepareBackupRoom() {
        if (get().backupRoomRequest.sending) return;
        const bridge = get().bridge;
        if (!bridge) {
          set({ backupRoomRequest: { sending: false, error: NOT_CONNECTED } });
          return;
        }
        set({ backupRoomRequest: { sending: true, error: null } });
        try {
          await bridge.invoke('space:provision', {});
          set({ backupRoomRequest: { sending: false, error: null } });
        } catch (error) {
          // A refusal of the backup is in the engine's backupRoom; this says why the request itself failed.
          set({ backupRoomRequest: { sending: false, error: `Could not prepare the rooms: ${describeFailure(error)}` } });
        }
      },

      async leaveConversation() {
        media?.disconnect();
        mediaRoom = null;
        pendingMute = null;
        const bridge = get().bridge;
        set({ joinStatus: { status: 'idle', error: null }, media: { state: 'closed', detail: null } });
        if (!bridge) return;
        try {
          await bridge.invoke('conversation:leave', {});
        } catch (error) {
          set({ joinStatus: { status: 'error', error: `Could not leave the conversation cleanly: ${describeFailure(error)}` } });
        }
      },

      async toggleSelfMute() {
        const muted = !effectiveMuted(get());
        const bridge = get().bridge;
        // Locally first, at once: the sent track and the program follow before any round trip.
        if (!isInRoom(get().conversation)) {
          localMuted = muted;
          pendingMute = null;
          set((current) => ({ selfMute: { ...current.selfMute, error: null } }));
          applyMute();
          return;
        }
        pendingMute = muted;
        set((current) => ({ selfMute: { ...current.selfMute, sending: true, error: null } }));
        applyMute();
        try {
          if (!bridge) throw new Error(NOT_CONNECTED);
          const state = await bridge.invoke('conversation:set-muted', { muted });
          // Confirmed: the engine's word stands again (unless a newer wish is in flight).
          if (pendingMute === muted) pendingMute = null;
          set({ conversation: state });
          set((current) => ({ selfMute: { ...current.selfMute, sending: false } }));
        } catch (error) {
          // A failed mute stays muted here; a failed unmute falls back to what the engine says.
          if (pendingMute === muted && !muted) pendingMute = null;
          const what = muted ? 'Your microphone is off in the program and the room audio, but the room may still show you as unmuted' : 'Could not unmute';
          set((current) => ({ selfMute: { ...current.selfMute, sending: false, error: `${what}: ${describeFailure(error)}` } }));
        }
        applyMute();
      },

      async selectMicrophone(deviceId) {
        const current = ensureMedia();
        if (!current) {
          set((state) => ({ microphone: { ...state.microphone, problem: NO_MEDIA } }));
          return;
        }
        await current.selectMicrophone(deviceId === '' || deviceId === 'default' ? null : deviceId);
      },

      async refreshMicrophones() {
        const current = ensureMedia();
        if (!current) {
          set((state) => ({ microphone: { ...state.microphone, problem: NO_MEDIA } }));
          return;
        }
        await current.refreshMicrophones();
      },

      async startProgramFeed() {
        const bridge = get().bridge;
        const current = ensureMedia();
        if (!bridge || !current) {
          set({ programFeed: { status: 'error', error: bridge ? NO_MEDIA : NOT_CONNECTED } });
          return;
        }
        if (get().programFeed.status === 'starting' || current.feeding) return;
        set({ programFeed: { status: 'starting', error: null } });
        try {
          // Frames go from a worker when the binding can (never waiting for this window's main
          // thread); else through whichever bridge is attached (it may be replaced on reconnect).
          const stream = canOpenPcmStream(bridge) ? bridge.openPcmStream() : null;
          await current.startProgramFeed((frame) => get().bridge?.sendPcm(frame), stream);
          set({ programFeed: { status: current.feeding ? 'on' : 'off', error: null } });
        } catch (error) {
          set({ programFeed: { status: 'error', error: `The program audio could not start: ${describeFailure(error)}` } });
        }
      },

      stopProgramFeed() {
        media?.stopProgramFeed();
        set({ programFeed: { status: 'off', error: null } });
      },

      async previewInvite(input) {
        const request = ++previewRequest;
        const bridge = get().bridge;
        const invite = input.trim();
        const opened = get().openedInvite;
        // Checking another invite ends what the last opened link said.
        if (opened && !(opened.status === 'prefilled' && opened.link === invite)) set({ openedInvite: null });
        if (invite === '') {
          set({ invitePreview: { status: 'idle', preview: null, error: null } });
          return;
        }
        if (!bridge) {
          set({ invitePreview: { status: 'error', preview: null, error: NOT_CONNECTED } });
          return;
        }
        set({ invitePreview: { status: 'checking', preview: null, error: null } });
        try {
          const preview = await bridge.invoke('invites:preview', { invite });
          if (request === previewRequest) set({ invitePreview: { status: 'ok', preview, error: null } });
        } catch (error) {
          if (request === previewRequest) set({ invitePreview: { status: 'error', preview: null, error: describeFailure(error) } });
        }
      },

      receiveOpenedInvite(opened) {
        switch (opened.kind) {
          case 'not-an-invite':
            set({ openedInvite: { status: 'invalid', message: opened.problem } });
            return;
          case 'invite':
            if (isInRoom(get().conversation) || get().joinStatus.status === 'joining') {
              set({ openedInvite: { status: 'not-used', message: IN_ROOM } });
              return;
            }
            set({ openedInvite: { status: 'prefilled', link: opened.link } });
            void get().previewInvite(opened.link);
            return;
          default:
            assertNever(opened);
        }
      },

      createInvite(role, label, expiresInMinutes) {
        return inviteRequest('create the invite', async (bridge) => {
          const created = await bridge.invoke('invites:create', { role, label, expiresInMinutes });
          set((current) => ({
            invites: {
              items: [created.invite, ...current.invites.items.filter((item) => item.id !== created.invite.id)],
              lastCreated: created,
              status: 'idle',
              error: null,
            },
          }));
        });
      },

      loadInvites() {
        return inviteRequest('load the invites', async (bridge) => {
          const { invites } = await bridge.invoke('invites:list', {});
          setInvites({ items: invites, status: 'idle', error: null });
        });
      },

      revokeInvite(id, removeParticipants) {
        return inviteRequest('revoke the invite', async (bridge) => {
          const { invite } = await bridge.invoke('invites:revoke', { id, removeParticipants });
          set((current) => ({
            invites: {
              ...current.invites,
              items: current.invites.items.map((item) => (item.id === invite.id ? invite : item)),
              lastCreated: current.invites.lastCreated?.invite.id === invite.id ? null : current.invites.lastCreated,
              status: 'idle',
              error: null,
            },
          }));
        });
      },

      moderateMute(participantId, muted) {
        return moderate(participantId, muted ? 'mute' : 'unmute', (bridge) => bridge.invoke('moderation:set-muted', { participantId, muted }));
      },

      removeParticipant(participantId) {
        return moderate(participantId, 'remove', (bridge) => bridge.invoke('moderation:remove', { participantId }));
      },

      async muteAllButHosts() {
        if (get().moderation.muteAll.sending) return;
        const bridge = get().bridge;
        if (!bridge) {
          setMuteAll({ error: NOT_CONNECTED });
          return;
        }
        setMuteAll({ sending: true, error: null });
        try {
          const { muted, conversation } = await bridge.invoke('moderation:mute-all', {});
          applyConversation(conversation);
          setMuteAll({ sending: false, lastMuted: muted });
        } catch (error) {
          setMuteAll({ sending: false, error: `Could not mute everyone: ${describeFailure(error)}` });
        }
      },
    };
  };
}

function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
