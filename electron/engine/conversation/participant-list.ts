import { decodeDisplayName, type Participant, type Role, type StrayFlag } from '../../shared/conversation';
import { participantKey, type MuteLock } from '../../shared/space-channel';
import type { RoomParticipant } from '../janus/audiobridge-room';

/*
 * The participant list as the UI sees it, computed from the room's own list and this app's
 * moderation knowledge. Pure functions: no state, no clock.
 */

/** What the list is computed from besides the room's participants. */
export interface ParticipantContext {
  readonly selfId: string | null;
  /** This app's own role (from its invite, or the host's config). */
  readonly selfRole: Role | null;
  /** Another participant's verified role (the roster), null when unverified: never the display name's claim. */
  readonly roleOf: (feed: string) => Role | null;
  readonly selfMuted: boolean;
  readonly selfSpeakRequested: boolean;
  readonly locks: ReadonlyMap<string, MuteLock>;
  readonly flags: ReadonlyMap<string, readonly StrayFlag[]>;
  /** Feed ids this app believes a moderator muted (Janus does not say who muted whom). */
  readonly mutedByModerator: ReadonlySet<string>;
  /** Participant keys with a pending request to speak. */
  readonly speakRequests: ReadonlySet<string>;
}

/** The UI's participants (roles from the roster; a display name's role suffix is only a claim), and the feed ids to forget as "muted by a moderator" (they are open again). */
export function buildParticipants(
  room: readonly RoomParticipant[],
  context: ParticipantContext,
): { participants: Participant[]; unmuted: string[] } {
  const unmuted: string[] = [];
  const participants = room.map((participant): Participant => {
    const identity = decodeDisplayName(participant.display);
    const self = participant.id === context.selfId;
    const muted = self ? context.selfMuted || participant.muted : participant.muted;
    if (!participant.muted) unmuted.push(participant.id);
    const display = identity.name.slice(0, 200);
    const role = self ? context.selfRole : context.roleOf(participant.id);
    const key = participantKey({ inviteId: identity.inviteId, display, role, id: participant.id });
    const lock = context.locks.get(key);
    const byModerator = context.mutedByModerator.has(participant.id) && participant.muted;
    return {
      id: participant.id,
      display,
      role,
      self,
      muted,
      // Janus tells a participant it was muted by a moderator only as a `configured` event it did not ask for.
      mutedBy: muted
        ? lock !== undefined
          ? 'moderator'
          : self
            ? context.selfMuted
              ? 'self'
              : 'moderator'
            : byModerator
              ? 'moderator'
              : null
        : null,
      talking: participant.talking && !muted,
      connected: participant.connected,
      inviteId: identity.inviteId,
      lock: lock === undefined ? null : { by: lock.by, reason: lock.reason, at: lock.at },
      flags: [...(context.flags.get(participant.id) ?? [])],
      speakRequested: self ? context.selfSpeakRequested && lock !== undefined : context.speakRequests.has(key),
    };
  });
  return { participants, unmuted };
}

/** True when a participant is muted (or should be, by the moderator's action) now: this app's own mute counts for its row. */
export function selfMutedNow(participants: readonly Participant[], selfMuted: boolean): boolean {
  return selfMuted || participants.some((participant) => participant.self && participant.muted);
}

/** The `a=fingerprint` of an SDP (one per connection: Chromium's certificate lives as long as its RTCPeerConnection). */
export function dtlsFingerprint(sdp: string): string | null {
  return /^a=fingerprint:(.+)$/mu.exec(sdp)?.[1]?.trim().toLowerCase() ?? null;
}
