/*
 * The conversation's actions (room, microphone, invites, moderation, producer), for `useAppStore`. They are closures over the store and never
 * use `this`, so taking them off the state is safe; the slice declares them as methods, which the
 * unbound-method rule cannot tell apart from real ones.
 */
/* eslint-disable @typescript-eslint/unbound-method */
import type { ProducerSlice } from '../../stores/producer-slice';
import type { AppState } from '../../stores/store-types';

/** Joins the room (the host without an invite). */
export const selectJoinConversation = (state: AppState): AppState['joinConversation'] => state.joinConversation;
/** Leaves the room. */
export const selectLeaveConversation = (state: AppState): AppState['leaveConversation'] => state.leaveConversation;
/** Toggles our microphone. */
export const selectToggleSelfMute = (state: AppState): AppState['toggleSelfMute'] => state.toggleSelfMute;
/** Chooses the microphone. */
export const selectSelectMicrophone = (state: AppState): AppState['selectMicrophone'] => state.selectMicrophone;
/** Lists the microphones again. */
export const selectRefreshMicrophones = (state: AppState): AppState['refreshMicrophones'] => state.refreshMicrophones;
/** Checks an invite before joining. */
export const selectPreviewInvite = (state: AppState): AppState['previewInvite'] => state.previewInvite;
/** Creates an invite. */
export const selectCreateInvite = (state: AppState): AppState['createInvite'] => state.createInvite;
/** Loads the invite list. */
export const selectLoadInvites = (state: AppState): AppState['loadInvites'] => state.loadInvites;
/** Revokes an invite. */
export const selectRevokeInvite = (state: AppState): AppState['revokeInvite'] => state.revokeInvite;
/** Mutes or unmutes someone else (moderators). */
export const selectModerateMute = (state: AppState): AppState['moderateMute'] => state.moderateMute;
/** Removes someone from the room (moderators). */
export const selectRemoveParticipant = (state: AppState): AppState['removeParticipant'] => state.removeParticipant;
/** Mutes everyone who is not a host (moderators). */
export const selectMuteAllButHosts = (state: AppState): AppState['muteAllButHosts'] => state.muteAllButHosts;
/** Asks to speak, or withdraws the request (while a moderator's lock holds our microphone). */
export const selectRequestToSpeak = (state: AppState): ProducerSlice['requestToSpeak'] => state.requestToSpeak;
/** Approves or declines a request to speak (moderators). */
export const selectAnswerSpeakRequest = (state: AppState): ProducerSlice['answerSpeakRequest'] => state.answerSpeakRequest;
/** Turns auto-mute of stray microphones on or off (moderators). */
export const selectSetAutoMute = (state: AppState): ProducerSlice['setAutoMute'] => state.setAutoMute;
/** Passes our microphone report to the engine (space channel). */
export const selectReportMic = (state: AppState): ProducerSlice['reportMic'] => state.reportMic;
