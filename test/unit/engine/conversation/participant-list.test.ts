import { describe, expect, it } from 'vitest';
import { encodeDisplayName } from '../../../../electron/shared/conversation';
import type { MuteLock } from '../../../../electron/shared/space-channel';
import {
  buildParticipants,
  dtlsFingerprint,
  selfMutedNow,
  type ParticipantContext,
} from '../../../../electron/engine/conversation/participant-list';
import type { RoomParticipant } from '../../../../electron/engine/janus/audiobridge-room';

const seat = (
  id: string,
  name: string,
  role: 'host' | 'cohost' | 'producer' | null,
  inviteId: string | null,
  extra: Partial<RoomParticipant> = {},
): RoomParticipant => ({
  id,
  display: role === null ? name : encodeDisplayName({ name, role, inviteId }),
  muted: false,
  talking: false,
  connected: true,
  ...extra,
});

/** The roster of these tests: feed → verified role. */
const ROSTER = new Map<string, 'host' | 'cohost' | 'producer'>([
  ['2', 'cohost'],
  ['4', 'cohost'],
]);

const context = (extra: Partial<ParticipantContext> = {}): ParticipantContext => ({
  selfId: '1',
  selfRole: 'host',
  roleOf: (feed) => ROSTER.get(feed) ?? null,
  selfMuted: false,
  selfSpeakRequested: false,
  locks: new Map(),
  flags: new Map(),
  mutedByModerator: new Set(),
  speakRequests: new Set(),
  ...extra,
});

const lock = (key: string): MuteLock => ({ key, feed: '2', display: 'Cole', by: 'Hana (host)', reason: 'Muted by the host', at: 5 });

describe('participant list (pure)', () => {
  it('takes roles from the roster (self: its own), never from a display name that claims one', () => {
    const { participants } = buildParticipants(
      [seat('1', 'Hana', 'host', null), seat('2', 'Hana', 'host', 'inv1'), seat('3', 'Mallory', 'host', 'inv9')],
      context(),
    );
    expect(participants.map((p) => [p.id, p.display, p.role])).toEqual([
      ['1', 'Hana', 'host'],
      ['2', 'Hana', 'cohost'],
      ['3', 'Mallory', null],
    ]);
  });

  it("keys an unverified participant by its feed: a lock on one copying the host's display is not the host's", () => {
    const spoofLock = lock('?:3');
    const { participants } = buildParticipants(
      [seat('1', 'Hana', 'host', null), seat('3', 'Hana', 'host', null)],
      context({ locks: new Map([['?:3', spoofLock]]) }),
    );
    expect(participants.map((p) => [p.id, p.role, p.lock !== null])).toEqual([
      ['1', 'host', false],
      ['3', null, true],
    ]);
  });

  it('reads invite from the display suffix, marks self, and hides talking while muted', () => {
    const { participants } = buildParticipants(
      [
        seat('1', 'Hana', 'host', null),
        seat('2', 'Cole', 'cohost', 'inv1', { muted: true, talking: true }),
        seat('3', 'Web guest', null, null, { talking: true }),
      ],
      context(),
    );
    expect(participants.map((p) => [p.id, p.display, p.role, p.self, p.inviteId, p.talking])).toEqual([
      ['1', 'Hana', 'host', true, null, false],
      ['2', 'Cole', 'cohost', false, 'inv1', false],
      ['3', 'Web guest', null, false, null, true],
    ]);
    expect(participants[1]?.role).toBe('cohost');
  });

  it('says who muted whom: a lock or a known moderator mute is "moderator", our own mute is "self", an unknown one null', () => {
    const rows = [
      seat('1', 'Hana', 'producer', 'p1', { muted: true }),
      seat('2', 'Cole', 'cohost', 'inv1', { muted: true }),
      seat('3', 'Dee', 'cohost', 'inv2', { muted: true }),
      seat('4', 'Eve', 'cohost', 'inv3', { muted: true }),
    ];
    const { participants } = buildParticipants(
      rows,
      context({
        selfMuted: true,
        locks: new Map([['inv1:Cole', lock('inv1:Cole')]]),
        mutedByModerator: new Set(['3']),
        speakRequests: new Set(['inv1:Cole']),
      }),
    );
    expect(participants.map((p) => p.mutedBy)).toEqual(['self', 'moderator', 'moderator', null]);
    expect(participants[1]?.lock).toEqual({ by: 'Hana (host)', reason: 'Muted by the host', at: 5 });
    expect(participants[1]?.speakRequested).toBe(true);
    // A self-row muted by Janus without our own mute: a moderator did it.
    const again = buildParticipants([seat('1', 'Hana', 'producer', 'p1', { muted: true })], context()).participants;
    expect(again[0]?.mutedBy).toBe('moderator');
  });

  it('returns the open feeds, so "muted by a moderator" is forgotten once they are open again', () => {
    const { unmuted } = buildParticipants(
      [seat('1', 'Hana', 'host', null), seat('2', 'Cole', 'cohost', 'inv1', { muted: true }), seat('3', 'Dee', 'cohost', 'inv2')],
      context({ mutedByModerator: new Set(['3']) }),
    );
    expect(unmuted).toEqual(['1', '3']);
  });

  it('shows our own request to speak only while a lock holds us', () => {
    const locked = buildParticipants(
      [seat('1', 'Cole', 'cohost', 'inv1', { muted: true })],
      context({ selfSpeakRequested: true, locks: new Map([['inv1:Cole', lock('inv1:Cole')]]) }),
    ).participants;
    expect(locked[0]?.speakRequested).toBe(true);
    const open = buildParticipants([seat('1', 'Cole', 'cohost', 'inv1')], context({ selfSpeakRequested: true })).participants;
    expect(open[0]?.speakRequested).toBe(false);
  });

  it('selfMutedNow counts our own mute or a muted self row; dtlsFingerprint reads the SDP line', () => {
    const { participants } = buildParticipants([seat('1', 'Cole', 'cohost', 'inv1', { muted: true })], context());
    expect(selfMutedNow(participants, false)).toBe(true);
    expect(selfMutedNow([], true)).toBe(true);
    expect(selfMutedNow([], false)).toBe(false);
    expect(dtlsFingerprint('v=0\r\na=fingerprint:sha-256 AB:CD\r\n')).toBe('sha-256 ab:cd');
    expect(dtlsFingerprint('v=0\r\n')).toBeNull();
  });
});
