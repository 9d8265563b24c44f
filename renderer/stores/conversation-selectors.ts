import type { ConversationLink, InviteSummary, Participant, Role } from '../../electron/shared/conversation';
import type { ModerationRequest, ModerationState } from './moderation-slice';
import { IDLE_REQUEST, type IdleRequest } from './request';
import { isInRoom } from './room-slice';
import { selectCanSend } from './selectors';
import type { AppState } from './store-types';

/*
 * Selectors of the conversation. As in selectors.ts: the ones that build an object or an array
 * must be used with `useShallow` (their parts are stable references from the store).
 */

const NO_PARTICIPANTS: readonly Participant[] = [];

/** The room's link as the engine reports it, or null before the first state. */
export const selectConversationLink = (state: AppState): ConversationLink | null => state.conversation?.link ?? null;

/** Everyone in the room, in engine order (a stable reference). */
export const selectParticipants = (state: AppState): readonly Participant[] => state.conversation?.participants ?? NO_PARTICIPANTS;

/** This window's own participant, once joined. */
export const selectSelfParticipant = (state: AppState): Participant | null =>
  state.conversation?.participants.find((participant) => participant.self) ?? null;

/** True while this window is in the room or joining it (engine's view). */
export const selectIsInRoom = (state: AppState): boolean => isInRoom(state.conversation);

/** True when "Join" can be pressed: connected, not in the room, no join in flight. */
export const selectCanJoin = (state: AppState): boolean =>
  selectCanSend(state) && !isInRoom(state.conversation) && state.joinStatus.status !== 'joining';

/** True when the microphone is off here now (ahead of the engine while a mute request is in flight). */
export const selectSelfMuted = (state: AppState): boolean => state.selfMute.muted;

/** True when a moderator muted us (the engine's word). */
export const selectMutedByModerator = (state: AppState): boolean => selectSelfParticipant(state)?.mutedBy === 'moderator';

/** Hosts own the room and producers moderate it; co-hosts mute only themselves. */
const isModeratorRole = (role: Role | null | undefined): boolean => role === 'host' || role === 'producer';

/** True when this window may mute, unmute and remove others: joined as the host or a producer. */
export const selectCanModerate = (state: AppState): boolean => {
  const link = state.conversation?.link;
  return link?.status === 'joined' && isModeratorRole(link.role);
};

/**
 * True when the moderator tools are shown: whenever we can moderate, and also (disabled) while a
 * moderator's link reconnects, so the rows do not lose and regain their buttons on every blip.
 */
export const selectShowsModeration = (state: AppState): boolean =>
  selectCanModerate(state) || (state.conversation?.link.status === 'reconnecting' && isModeratorRole(selectSelfParticipant(state)?.role));

/** A selector of the moderation request about one participant (a stable reference; idle when there is none). */
export const selectModerationOf =
  (participantId: string) =>
  (state: AppState): ModerationRequest | IdleRequest =>
    state.moderation.participants[participantId] ?? IDLE_REQUEST;

/** The "Mute all but hosts" request. */
export const selectMuteAll = (state: AppState): ModerationState['muteAll'] => state.moderation.muteAll;

/** How many people "Mute all but hosts" would mute now: everyone but us and the hosts who is not muted yet (as the engine counts). */
export const selectMuteAllCount = (state: AppState): number =>
  state.conversation?.participants.filter((participant) => !participant.self && participant.role !== 'host' && !participant.muted).length ??
  0;

/** The microphone as the UI shows it. */
export const selectMicrophone = (state: AppState): AppState['microphone'] => state.microphone;

/** The microphone level for the meter, in dBFS, or null without a microphone. */
export const selectMicLevelDb = (state: AppState): number | null => state.microphone.levelDb;

/** The renderer's media connection. */
export const selectMediaConnection = (state: AppState): AppState['media'] => state.media;

/** The join request. */
export const selectJoinStatus = (state: AppState): AppState['joinStatus'] => state.joinStatus;

/** The program feed (this window's audio to the engine). */
export const selectProgramFeed = (state: AppState): AppState['programFeed'] => state.programFeed;

/** The invite being checked before joining. */
export const selectInvitePreview = (state: AppState): AppState['invitePreview'] => state.invitePreview;

/** The host's invites and the last one created. */
export const selectInvites = (state: AppState): AppState['invites'] => state.invites;

/** The last request about the host's invites (create, list, revoke). */
export const selectInviteRequest = (state: AppState): AppState['inviteRequest'] => state.inviteRequest;

/** Whether an invite can still be used at `now` (engine clock): active and not past its expiry. */
export function isInviteUsable(invite: InviteSummary, now: number): boolean {
  return invite.status === 'active' && invite.expiresAt > now;
}
