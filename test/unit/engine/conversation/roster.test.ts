import { describe, expect, it } from 'vitest';
import { rosterHelloText } from '../../../../electron/shared/space-channel';
import { Roster, type RosterAnnouncement, type RosterHost } from '../../../../electron/engine/conversation/roster';
import { hostKeyOf, inviteKeyOf, proofOf } from '../../../../electron/engine/invites/space-keys';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { createLogger } from '../../../../electron/engine/log/logger';
import { FakeClock } from '../../../fakes/fake-clock';

const space = EngineConfigSchema.parse({
  space: {
    name: 'S',
    primary: {
      janus: { url: 'ws://198.18.0.1:8188', room: { id: 7, secret: 'the-room-secret' } },
      icecast: { mountUrl: 'http://198.18.0.1:8000/live.opus' },
    },
  },
}).space;
const other = EngineConfigSchema.parse({
  space: {
    name: 'S',
    primary: {
      janus: { url: 'ws://198.18.0.1:8188', room: { id: 7, secret: 'another-secret' } },
      icecast: { mountUrl: 'http://198.18.0.1:8000/live.opus' },
    },
  },
}).space;

function hostRoster(clock: FakeClock, active: Map<string, 'cohost' | 'producer'>) {
  const key = hostKeyOf(space);
  if (key === null) throw new Error('the space has a primary room');
  const announced: RosterAnnouncement[] = [];
  const host: RosterHost = {
    key,
    invites: {
      activeInvite: (id) => {
        const role = active.get(id);
        const inviteKey = inviteKeyOf(space, id);
        return role === undefined || inviteKey === null ? null : { role, key: inviteKey };
      },
    },
    announce: (announcement) => {
      announced.push(announcement);
      return Promise.resolve();
    },
  };
  const roster = new Roster({
    clock,
    logger: createLogger('roster-test'),
    hostPublicKey: () => key.publicKey,
    host: () => host,
    onChange: () => undefined,
  });
  return { roster, announced, publicKey: key.publicKey };
}

function guestRoster(clock: FakeClock, publicKey: string) {
  let changes = 0;
  const roster = new Roster({
    clock,
    logger: createLogger('roster-test'),
    hostPublicKey: () => publicKey,
    host: () => null,
    onChange: () => (changes += 1),
  });
  return { roster, changes: () => changes };
}

const inviteOf = (id: string) => ({ id, key: inviteKeyOf(space, id) ?? '' });

describe('roster: roles from invites, never from display names', () => {
  it("the host's engine verifies a hello, announces a signed roster, and a guest's app believes it", () => {
    const clock = new FakeClock();
    const host = hostRoster(clock, new Map([['inv-c', 'cohost']]));
    host.roster.seatHost('1');
    const guest = guestRoster(clock, host.publicKey);
    const hello = guest.roster.hello('2', inviteOf('inv-c'));
    if (hello === null) throw new Error('a first hello is due at once');
    host.roster.heardHello('2', 'inv-c', hello);
    expect(host.roster.roleOf('2')).toBe('cohost');
    const latest = host.announced.at(-1);
    if (latest === undefined) throw new Error('nothing announced');
    expect(latest.entries).toEqual([
      { feed: '1', role: 'host' },
      { feed: '2', role: 'cohost' },
    ]);
    expect(guest.roster.heard(latest, '2')).toBe(true);
    expect(guest.roster.roleOf('1')).toBe('host');
    expect(guest.roster.roleOf('2')).toBe('cohost');
    expect(guest.roster.roleOf('3')).toBeNull();
  });

  it('refuses a proof for another feed, another invite, a revoked invite, or a forged key', () => {
    const clock = new FakeClock();
    const active = new Map<string, 'cohost' | 'producer'>([
      ['inv-c', 'cohost'],
      ['inv-p', 'producer'],
    ]);
    const host = hostRoster(clock, active);
    const proof = (feed: string, id: string, key = inviteOf(id).key) => ({
      v: 1 as const,
      type: 'hello' as const,
      inviteId: id,
      proof: proofOf(key, rosterHelloText(feed, id)),
    });
    // A co-host copies a producer's hello (another feed): refused.
    host.roster.heardHello('5', 'inv-p', proof('6', 'inv-p'));
    // A co-host claims the producer invite with its own key: refused.
    host.roster.heardHello('5', 'inv-p', proof('5', 'inv-p', inviteOf('inv-c').key));
    // The display says another invite than the hello: refused.
    host.roster.heardHello('5', 'inv-c', proof('5', 'inv-p'));
    // A key derived from another room secret (a forged invite): refused.
    host.roster.heardHello('5', 'inv-c', proof('5', 'inv-c', inviteKeyOf(other, 'inv-c') ?? ''));
    expect(host.roster.roleOf('5')).toBeNull();
    host.roster.heardHello('5', 'inv-c', proof('5', 'inv-c'));
    expect(host.roster.roleOf('5')).toBe('cohost');
    // Revoked: the next prune drops it.
    active.delete('inv-c');
    host.roster.prune(new Map([['5', 'inv-c']]));
    expect(host.roster.roleOf('5')).toBeNull();
    host.roster.heardHello('5', 'inv-c', proof('5', 'inv-c'));
    expect(host.roster.roleOf('5')).toBeNull();
  });

  it('a guest ignores a roster the host did not sign, or an older one', () => {
    const clock = new FakeClock();
    const host = hostRoster(clock, new Map([['inv-c', 'cohost']]));
    host.roster.seatHost('1');
    const guest = guestRoster(clock, host.publicKey);
    const signed = host.announced.at(-1);
    if (signed === undefined) throw new Error('nothing announced');
    const forged: RosterAnnouncement = { ...signed, revision: signed.revision + 10, entries: [{ feed: '9', role: 'host' }] };
    guest.roster.heard(forged, null);
    expect(guest.roster.roleOf('9')).toBeNull();
    const otherKey = hostKeyOf(other);
    const stranger = guestRoster(clock, otherKey?.publicKey ?? '');
    stranger.roster.heard(signed, null);
    expect(stranger.roster.roleOf('1')).toBeNull();
    guest.roster.heard(signed, null);
    expect(guest.roster.roleOf('1')).toBe('host');
    clock.advance(1000);
    host.roster.seatHost('3');
    const newer = host.announced.at(-1);
    if (newer === undefined) throw new Error('nothing announced');
    guest.roster.heard(newer, null);
    guest.roster.heard(signed, null);
    expect(guest.roster.roleOf('3')).toBe('host');
    expect(guest.changes()).toBe(2);
  });

  it('says hello again at most every 2 s unless asked, keeps a feed briefly missing from the list, and hears a hello that came before its feed was listed', () => {
    const clock = new FakeClock();
    const host = hostRoster(clock, new Map([['inv-c', 'cohost']]));
    const guest = guestRoster(clock, host.publicKey);
    expect(guest.roster.hello('2', inviteOf('inv-c'))).not.toBeNull();
    expect(guest.roster.hello('2', inviteOf('inv-c'))).toBeNull();
    clock.advance(1999);
    expect(guest.roster.hello('2', inviteOf('inv-c'))).toBeNull();
    clock.advance(1);
    expect(guest.roster.hello('2', inviteOf('inv-c'))).not.toBeNull();
    expect(guest.roster.hello('2', null, true)).toBeNull();
    host.roster.seatHost('1');
    const hello = guest.roster.hello('2', inviteOf('inv-c'), true);
    if (hello === null) throw new Error('a forced hello is always due');
    host.roster.heardHello('2', 'inv-c', hello);
    host.roster.prune(new Map([['1', null]]));
    expect(host.roster.roleOf('2')).toBe('cohost');
    // A hello before the room lists its feed waits for the listing.
    const early = guest.roster.hello('4', inviteOf('inv-c'), true);
    if (early === null) throw new Error('a forced hello is always due');
    host.roster.heardHello('4', undefined, early);
    expect(host.roster.roleOf('4')).toBeNull();
    host.roster.prune(
      new Map([
        ['1', null],
        ['4', 'inv-c'],
      ]),
    );
    expect(host.roster.roleOf('4')).toBe('cohost');
    expect(host.announced.at(-1)?.entries.map((entry) => entry.feed)).toEqual(['1', '2', '4']);
  });
});
