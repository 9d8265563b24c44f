import type { ConversationState, MediaConnectionState } from '../../electron/shared/conversation';
import type { MediaSession } from './media-session';
import { IDLE_REQUEST, type Request } from './request';
import type { AppSlice, AppState, StoreDeps } from './store-types';
import { describeError } from '../../electron/shared/describe-error';

/*
 * The room as this window takes part in it: the conversation mirrored from the engine, the media
 * connection this window runs to it, join/leave and self-mute. Signalling goes through the bridge;
 * media never leaves renderer/audio (reached through the MediaSession).
 *
 * Self-mute is applied locally at once (sent track disabled, program gain 0) and then confirmed
 * by the engine; until the engine agrees, the wish in flight wins. A failed mute stays muted
 * locally (silence is the safe side), with the error shown.
 */

/** The join request: what this window's own join came to (the engine's link says where the room is). */
export type JoinStatus = { status: 'idle' } | { status: 'joining' } | { status: 'joined' } | { status: 'failed'; error: string };

/** The room part of the store. */
export interface RoomSlice {
  /** Mirrored from engine state (engine:state → state.conversation); null before the first state. */
  conversation: ConversationState | null;
  /** The renderer's RTCPeerConnection state. */
  media: { state: MediaConnectionState; detail: string | null };
  joinStatus: JoinStatus;
  /** Self-mute as applied here now (ahead of the engine while a request is in flight), and the last request. */
  selfMute: { muted: boolean; request: Request };
  /** conversation:join, then the media: microphone, offer/answer. */
  joinConversation(display: string, invite?: string): Promise<void>;
  leaveConversation(): Promise<void>;
  /** conversation:set-muted with the opposite of the mute applied now (the keyboard shortcut calls this). */
  toggleSelfMute(): Promise<void>;
  /** Mirrors a conversation the engine returned to a command (moderation), and acts on it as on an engine:state. */
  receiveConversation(conversation: ConversationState): void;
}

/** What a join says where this window has no media layer. */
export const NO_MEDIA =
  'This window cannot use a microphone or audio connection. Open Steadycast in the desktop app or a current Chromium browser.';

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

/** Creates the room slice. */
export function createRoomSlice(deps: Pick<StoreDeps, 'bridge' | 'createConversationMedia'>, session: MediaSession): AppSlice<RoomSlice> {
  return (set, get, api) => {
    const bridge = deps.bridge.api;
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

    const effectiveMuted = (state: AppState): boolean =>
      pendingMute ?? (isInRoom(state.conversation) ? engineMuted(state.conversation) : localMuted);

    const applyMute = (): void => {
      const muted = effectiveMuted(get());
      session.current()?.setMicLive(!muted);
      if (get().selfMute.muted !== muted) set((current) => ({ selfMute: { ...current.selfMute, muted } }));
    };

    const setSelfMuteRequest = (request: Request): void => set((current) => ({ selfMute: { ...current.selfMute, request } }));

    /** Offer/answer through the bridge; remembers which room the media belongs to. */
    const connectMedia = async (): Promise<void> => {
      const current = session.ensure();
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
      if (takeover === 'done' || conversation.link.status !== 'joined' || !deps.createConversationMedia) return;
      takeover = 'done';
      set({ joinStatus: { status: 'joining' }, media: { state: 'new', detail: null } });
      connectMedia()
        .then(() => set({ joinStatus: { status: 'joined' } }))
        .catch((error: unknown) => {
          session.current()?.disconnect();
          set({
            joinStatus: { status: 'joined' },
            media: {
              state: 'failed',
              detail: `Could not reconnect the audio to the room: ${describeError(error).replace(/\.$/u, '')}. Leave the room and join again.`,
            },
          });
        })
        .finally(() => followConversation(get().conversation, null));
    };

    /** Follows the engine's room: mirror it, drop media when the link ends, renegotiate after a move to another room. */
    const followConversation = (conversation: ConversationState | null, previous: ConversationState | null): void => {
      if (conversation === previous) return;
      if (pendingMute !== null && conversation && isInRoom(conversation) && engineMuted(conversation) === pendingMute) pendingMute = null;
      applyMute();
      const media = session.current();
      const joinStatus = get().joinStatus.status;
      if (joinStatus !== 'joining' && !media?.connected) reattachMedia(conversation);
      if (!media?.connected || joinStatus === 'joining') return;
      const link = conversation?.link;
      if (!link || link.status === 'idle' || link.status === 'failed') {
        media.disconnect();
        mediaRoom = null;
        set({ joinStatus: link?.status === 'failed' ? { status: 'failed', error: link.reason } : { status: 'idle' } });
        return;
      }
      const room = roomIdentity(conversation);
      if (room !== null && mediaRoom !== null && room !== mediaRoom && !renegotiating) {
        renegotiating = true;
        connectMedia()
          .catch((error: unknown) =>
            set({ media: { state: 'failed', detail: `Could not connect the audio to the new room: ${describeError(error)}` } }),
          )
          .finally(() => {
            renegotiating = false;
          });
      }
    };

    api.subscribe((state, previous) => {
      const conversation = state.engine?.conversation ?? null;
      if (conversation !== (previous.engine?.conversation ?? null) && conversation !== state.conversation) {
        const before = state.conversation;
        set({ conversation });
        followConversation(conversation, before);
      }
    });

    return {
      conversation: null,
      media: { state: 'new', detail: null },
      joinStatus: { status: 'idle' },
      selfMute: { muted: false, request: IDLE_REQUEST },

      receiveConversation(conversation) {
        const before = get().conversation;
        set({ conversation });
        followConversation(conversation, before);
      },

      async joinConversation(display, invite) {
        if (get().joinStatus.status === 'joining') return;
        if (!session.ensure()) {
          set({ joinStatus: { status: 'failed', error: NO_MEDIA } });
          return;
        }
        set({ joinStatus: { status: 'joining' }, media: { state: 'new', detail: null } });
        takeover = 'done';
        const trimmedInvite = invite?.trim();
        let state: ConversationState;
        try {
          state = await bridge.invoke('conversation:join', trimmedInvite ? { display, invite: trimmedInvite } : { display });
        } catch (error) {
          set({ joinStatus: { status: 'failed', error: `Could not join the conversation: ${describeError(error)}` } });
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
          session.current()?.disconnect();
          mediaRoom = null;
          await bridge.invoke('conversation:leave', {}).catch(() => undefined);
          set({ joinStatus: { status: 'failed', error: `Joined, but the audio could not connect: ${describeError(error)}` } });
          return;
        }
        set({ joinStatus: { status: 'joined' } });
        // States that arrived while the media connected: act on the latest.
        followConversation(get().conversation, before);
      },

      async leaveConversation() {
        session.current()?.disconnect();
        mediaRoom = null;
        pendingMute = null;
        set({ joinStatus: { status: 'idle' }, media: { state: 'closed', detail: null } });
        try {
          await bridge.invoke('conversation:leave', {});
        } catch (error) {
          set({ joinStatus: { status: 'failed', error: `Could not leave the conversation cleanly: ${describeError(error)}` } });
        }
      },

      async toggleSelfMute() {
        const muted = !effectiveMuted(get());
        // Locally first, at once: the sent track and the program follow before any round trip.
        if (!isInRoom(get().conversation)) {
          localMuted = muted;
          pendingMute = null;
          setSelfMuteRequest(IDLE_REQUEST);
          applyMute();
          return;
        }
        pendingMute = muted;
        setSelfMuteRequest({ status: 'sending' });
        applyMute();
        try {
          const state = await bridge.invoke('conversation:set-muted', { muted });
          // Confirmed: the engine's word stands again (unless a newer wish is in flight).
          if (pendingMute === muted) pendingMute = null;
          set({ conversation: state });
          setSelfMuteRequest({ status: 'done', value: undefined });
        } catch (error) {
          // A failed mute stays muted here; a failed unmute falls back to what the engine says.
          if (pendingMute === muted && !muted) pendingMute = null;
          const what = muted
            ? 'Your microphone is off in the program and the room audio, but the room may still show you as unmuted'
            : 'Could not unmute';
          setSelfMuteRequest({ status: 'failed', error: `${what}: ${describeError(error)}` });
        }
        applyMute();
      },
    };
  };
}
