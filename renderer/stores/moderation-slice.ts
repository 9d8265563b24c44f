import type { ConversationState } from '../../electron/shared/conversation';
import { IDLE_REQUEST, runRequest, type Request, type RequestSlot } from './request';
import { isInRoom } from './room-slice';
import type { AppSlice, StoreDeps } from './store-types';

/*
 * The moderator tools (host and producers). A moderator's mute or removal is not applied ahead of
 * the engine: it is the room's word only once the engine confirms it, so the UI shows the request
 * in flight and then the state the engine returns.
 */

/** What a moderator asked for one participant. */
export type ModerationAction = 'mute' | 'unmute' | 'remove';

/** A moderator's request about one participant: in flight (which action), or why it failed. */
export type ModerationRequest =
  { readonly status: 'sending'; readonly action: ModerationAction } | { readonly status: 'failed'; readonly error: string };

/** The moderator tools' requests. */
export interface ModerationState {
  /** By participant id; a participant without an entry has nothing in flight and no error. */
  participants: Readonly<Record<string, ModerationRequest>>;
  /** "Mute all but hosts" (done: how many it muted). */
  muteAll: Request<number>;
}

/** The moderation part of the store. */
export interface ModerationSlice {
  moderation: ModerationState;
  /** moderation:set-muted for someone else; ignored while a request about them is in flight. */
  moderateMute(participantId: string, muted: boolean): Promise<void>;
  /** moderation:remove; ignored while a request about them is in flight. */
  removeParticipant(participantId: string): Promise<void>;
  /** moderation:mute-all: mutes everyone who is not a host; ignored while one is in flight. */
  muteAllButHosts(): Promise<void>;
}

/** The start of a failed moderation request's message, before the participant's name. */
const MODERATION_FAILURE: Record<ModerationAction, string> = {
  mute: 'Could not mute',
  unmute: 'Could not unmute',
  remove: 'Could not remove',
};

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
function pruneModeration(
  entries: ModerationState['participants'],
  conversation: ConversationState | null,
): ModerationState['participants'] | null {
  const present = new Set(conversation?.participants.map((participant) => participant.id));
  const kept = Object.entries(entries).filter(([id, request]) => request.status === 'sending' || present.has(id));
  return kept.length === Object.keys(entries).length ? null : Object.fromEntries(kept);
}

/** Creates the moderation slice. */
export function createModerationSlice(deps: Pick<StoreDeps, 'bridge'>): AppSlice<ModerationSlice> {
  return (set, get, api) => {
    const bridge = deps.bridge.api;

    // Entries of people who left (or of a room we left) would show stale errors on a later row.
    api.subscribe((state, previous) => {
      if (state.conversation === previous.conversation) return;
      const participants = pruneModeration(state.moderation.participants, state.conversation);
      const leftRoom = !isInRoom(state.conversation) && state.moderation.muteAll.status === 'failed';
      if (participants === null && !leftRoom) return;
      set((current) => ({
        moderation: {
          participants: participants ?? current.moderation.participants,
          muteAll: leftRoom ? IDLE_REQUEST : current.moderation.muteAll,
        },
      }));
    });

    /** The request about one participant, in its own entry: gone once done. */
    const participantSlot = (participantId: string, action: ModerationAction): RequestSlot<void> => {
      // The engine often names them already ("Janus refused to remove Cole: …"): say it once.
      const name = nameOf(get().conversation, participantId);
      return {
        read: () => get().moderation.participants[participantId] ?? IDLE_REQUEST,
        write(request) {
          set((current) => {
            const participants = Object.fromEntries(Object.entries(current.moderation.participants).filter(([id]) => id !== participantId));
            if (request.status === 'sending') participants[participantId] = { status: 'sending', action };
            if (request.status === 'failed') participants[participantId] = request;
            return { moderation: { ...current.moderation, participants } };
          });
        },
        failure: (reason) => `${mentions(reason, name) ? MODERATION_FAILURE[action] : `${MODERATION_FAILURE[action]} ${name}`}: ${reason}`,
      };
    };

    /** One moderation request about one participant: at most one in flight each, the engine's answer applied. */
    const moderate = async (participantId: string, action: ModerationAction, send: () => Promise<ConversationState>): Promise<void> => {
      await runRequest(participantSlot(participantId, action), async () => get().receiveConversation(await send()));
    };

    return {
      moderation: { participants: {}, muteAll: IDLE_REQUEST },

      moderateMute(participantId, muted) {
        return moderate(participantId, muted ? 'mute' : 'unmute', () => bridge.invoke('moderation:set-muted', { participantId, muted }));
      },

      removeParticipant(participantId) {
        return moderate(participantId, 'remove', () => bridge.invoke('moderation:remove', { participantId }));
      },

      async muteAllButHosts() {
        await runRequest(
          {
            read: () => get().moderation.muteAll,
            write: (muteAll) => set((current) => ({ moderation: { ...current.moderation, muteAll } })),
            failure: (reason) => `Could not mute everyone: ${reason}`,
          },
          async () => {
            const { muted, conversation } = await bridge.invoke('moderation:mute-all', {});
            get().receiveConversation(conversation);
            return muted;
          },
        );
      },
    };
  };
}
