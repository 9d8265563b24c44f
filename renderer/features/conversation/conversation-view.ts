import type { ConversationLink, Participant, Role } from '../../../electron/shared/conversation';
import type { EndpointName } from '../../../electron/shared/state';
import type { StatusTone } from '../../components/status-pill';
import type { AppState } from '../../stores/store-types';

/*
 * Pure view logic of the conversation UI: wording, ordering and the selectors the components use.
 * Selectors that build an object must be used with `useShallow`.
 */

/** Role names and what each may do, as the room shows them. */
export const ROLE_WORDS: Record<Role, { label: string; description: string }> = {
  host: { label: 'Host', description: 'Owns the space, its invites and the program.' },
  cohost: { label: 'Co-host', description: 'Speaks on the program.' },
  producer: { label: 'Producer', description: 'Moderates the room; joins with the microphone off.' },
};

/**
 * Label of a role badge. A role is shown only as the host's engine verified it (the invite, never
 * the display name); anyone else, a modified client or someone whose proof has not arrived yet, is unverified.
 */
export function roleLabel(role: Role | null): string {
  return role === null ? 'Unverified' : ROLE_WORDS[role].label;
}

/** Which server of the space, in words. */
export function endpointWords(endpoint: EndpointName): string {
  return endpoint === 'primary' ? 'primary server' : 'backup server';
}

/** Tone and label of the link pill; the label carries the meaning, the colour only repeats it. */
export function describeLink(link: ConversationLink | null): { tone: StatusTone; label: string } {
  if (link === null) return { tone: 'neutral', label: 'Not joined' };
  switch (link.status) {
    case 'idle':
      return { tone: 'neutral', label: 'Not joined' };
    case 'connecting':
      return { tone: 'busy', label: 'Joining' };
    case 'joined':
      return { tone: 'ok', label: 'Joined' };
    case 'reconnecting':
      return { tone: 'warn', label: 'Reconnecting' };
    case 'failed':
      return { tone: 'bad', label: 'Failed' };
  }
}

const ROLE_ORDER: Record<Role, number> = { host: 0, cohost: 1, producer: 2 };

/** The room in a steady order: you first, then hosts, co-hosts, producers, guests; by name within each. */
export function sortParticipants(participants: readonly Participant[]): Participant[] {
  return participants.toSorted((a, b) => {
    if (a.self !== b.self) return a.self ? -1 : 1;
    const byRole = (a.role === null ? 3 : ROLE_ORDER[a.role]) - (b.role === null ? 3 : ROLE_ORDER[b.role]);
    if (byRole !== 0) return byRole;
    return a.display.localeCompare(b.display, undefined, { sensitivity: 'base' }) || a.id.localeCompare(b.id);
  });
}

/** What a participant's microphone is doing, for the row and its accessible name. */
export type MicActivity = 'talking' | 'live' | 'muted-self' | 'muted-moderator' | 'muted';

/** The participant's microphone state; "muted" alone when nobody knows who muted it. */
export function micActivity(participant: Participant): MicActivity {
  if (participant.muted) {
    if (participant.mutedBy === 'moderator') return 'muted-moderator';
    if (participant.mutedBy === 'self') return 'muted-self';
    return 'muted';
  }
  return participant.talking ? 'talking' : 'live';
}

/** Short words for a {@link MicActivity}. */
export const MIC_ACTIVITY_WORDS: Record<MicActivity, string> = {
  talking: 'Talking',
  live: 'Mic on',
  'muted-self': 'Muted',
  'muted-moderator': 'Muted by moderator',
  muted: 'Muted',
};

/** One sentence a screen reader says for a participant row. */
export function describeParticipant(participant: Participant): string {
  const parts = [participant.display || 'Unnamed', roleLabel(participant.role)];
  if (participant.self) parts.push('you');
  parts.push(MIC_ACTIVITY_WORDS[micActivity(participant)].toLowerCase());
  if (!participant.connected) parts.push('audio not connected');
  return parts.join(', ');
}

/** Up to two initials for the avatar, e.g. "Ana Lima" → "AL". */
export function initialsOf(display: string): string {
  // Letters and digits only: "Priya (producer)" → "PP", not "P(".
  const words = display.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  if (words.length === 0) return '?';
  const letters = words.length === 1 ? [...(words[0] ?? '')].slice(0, 2) : [[...(words[0] ?? '')][0], [...(words.at(-1) ?? '')][0]];
  return letters.join('').toUpperCase();
}

/** How many people, in words. */
export function formatPeople(count: number): string {
  return count === 1 ? '1 person' : `${count.toLocaleString()} people`;
}

/*
 * The M shortcut: only a bare key press, never while typing or choosing (a select jumps to
 * options by letter) and never auto-repeated (holding M must not flap the microphone).
 */

const NON_TEXT_INPUTS = new Set(['button', 'checkbox', 'radio', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** The parts of a DOM element the shortcut looks at (a plain object in tests). */
export interface ShortcutTarget {
  readonly tagName?: string;
  readonly type?: string;
  readonly isContentEditable?: boolean;
}

/** True when keys pressed in `target` are text (or a choice), not shortcuts. */
export function isTypingTarget(target: ShortcutTarget | null): boolean {
  if (!target?.tagName) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName.toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && !NON_TEXT_INPUTS.has((target.type ?? 'text').toLowerCase());
}

/** The key event as the shortcut sees it. */
export interface ShortcutKeyEvent {
  readonly key: string;
  readonly repeat: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly target: ShortcutTarget | null;
}

/** True when the event is the self-mute shortcut. */
export function isMuteShortcut(event: ShortcutKeyEvent): boolean {
  if (event.key !== 'm' && event.key !== 'M') return false;
  if (event.repeat || event.ctrlKey || event.metaKey || event.altKey) return false;
  return !isTypingTarget(event.target);
}

/** True when the event is the push-to-talk key (held: repeats count, the hold is what matters). */
export function isTalkKey(event: ShortcutKeyEvent): boolean {
  if (event.key !== 't' && event.key !== 'T') return false;
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  return !isTypingTarget(event.target);
}

/** The microphone meter's floor, dBFS. */
export const MIC_FLOOR_DB = -60;

/** Where a microphone level sits on the −60…0 dBFS meter, from 0 to 1; no level is 0. */
export function micLevelFraction(levelDb: number | null): number {
  if (levelDb === null || !Number.isFinite(levelDb)) return 0;
  return Math.min(1, Math.max(0, (levelDb - MIC_FLOOR_DB) / -MIC_FLOOR_DB));
}

/* ── Selectors (the rest are in stores/conversation-selectors.ts) ─ */

/**
 * True when this app can host: its engine has a conversation server configured for the space, so
 * it joins without an invite. An app started only to join by invite has no server of its own.
 */
export const selectCanHost = (state: AppState): boolean => {
  const link = state.conversation?.link;
  if (link?.status === 'joined') return link.role === 'host';
  return state.engine?.space.endpoints.some((endpoint) => endpoint.janus !== null) ?? false;
};

/** True when the self-mute button and its shortcut work: in the room, or getting back in (the mute applies locally at once). */
export const selectCanToggleMute = (state: AppState): boolean => {
  const status = state.conversation?.link.status;
  // A moderator's mute is theirs to lift: the button stays locked while it holds.
  const byModerator =
    state.conversation?.participants.some((participant) => participant.self && participant.mutedBy === 'moderator') ?? false;
  return (status === 'joined' || status === 'reconnecting') && !byModerator;
};
