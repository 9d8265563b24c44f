import { selectSelfMuted } from './conversation-selectors';
import type { AppSlice } from './store-types';

/*
 * Push to talk: with it on, the microphone stays muted except while the talk key is held. It only
 * drives the ordinary self-mute (so the room, the program and the engine see nothing new), and a
 * moderator's lock wins: holding the key does not unmute a locked microphone.
 */

/** The push-to-talk part of the store. */
export interface PushToTalkSlice {
  pushToTalk: { enabled: boolean; holding: boolean };
  /** Turns push to talk on (muting the microphone now) or off (leaving it as it is). */
  setPushToTalk: (enabled: boolean) => void;
  /** The talk key went down: unmute while it is held. */
  talkPressed: () => void;
  /** The talk key went up (or the window lost focus): mute again. */
  talkReleased: () => void;
}

/** The key held to talk. */
export const TALK_KEY = 'T';

const lockedByModerator = (state: Parameters<typeof selectSelfMuted>[0]): boolean =>
  state.conversation?.participants.some((participant) => participant.self && participant.mutedBy === 'moderator') ?? false;

/** Creates the push-to-talk slice. */
export const createPushToTalkSlice: AppSlice<PushToTalkSlice> = (set, get) => ({
  pushToTalk: { enabled: false, holding: false },

  setPushToTalk(enabled) {
    set({ pushToTalk: { enabled, holding: false } });
    if (enabled && !selectSelfMuted(get())) void get().toggleSelfMute();
  },

  talkPressed() {
    const { enabled, holding } = get().pushToTalk;
    if (!enabled || holding || lockedByModerator(get())) return;
    set({ pushToTalk: { enabled, holding: true } });
    if (selectSelfMuted(get())) void get().toggleSelfMute();
  },

  talkReleased() {
    const { enabled, holding } = get().pushToTalk;
    if (!holding) return;
    set({ pushToTalk: { enabled, holding: false } });
    if (!selectSelfMuted(get())) void get().toggleSelfMute();
  },
});
