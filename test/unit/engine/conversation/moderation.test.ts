import { describe, expect, it } from 'vitest';
import { decodeDisplayName, encodeDisplayName, type Participant, type Role } from '../../../../electron/shared/conversation';
import type { MicReport } from '../../../../electron/shared/mic-report';
import type { ModeratorAnnouncement, ParticipantMessage } from '../../../../electron/shared/space-channel';
import { Moderation, type Announcer, type ModerationRoom, type RelayRequest } from '../../../../electron/engine/conversation/moderation';
import { buildParticipants } from '../../../../electron/engine/conversation/participant-list';
import type { RoomParticipant } from '../../../../electron/engine/janus/audiobridge-room';
import { createLogger } from '../../../../electron/engine/log/logger';
import { FakeClock } from '../../../fakes/fake-clock';

/** The room port: a list of seats that moderator calls change, as Janus would. */
class FakeRoom implements ModerationRoom {
  seats: RoomParticipant[] = [];
  readonly calls: string[] = [];
  refuse = new Set<string>();

  moderate(feed: string, muted: boolean): Promise<void> {
    this.calls.push(`${muted ? 'mute' : 'unmute'} ${feed}`);
    if (this.refuse.has(feed)) return Promise.reject(new Error('Janus said no'));
    this.seats = this.seats.map((seat) => (seat.id === feed ? { ...seat, muted } : seat));
    return Promise.resolve();
  }

  kick(feed: string): Promise<void> {
    this.calls.push(`kick ${feed}`);
    this.seats = this.seats.filter((seat) => seat.id !== feed);
    return Promise.resolve();
  }

  /** A participant unmutes itself (an old or modified client). */
  selfUnmute(feed: string): void {
    this.seats = this.seats.map((seat) => (seat.id === feed ? { ...seat, muted: false } : seat));
  }
}

/** The announcer port: records what went out; an announcement echoes back to us as Janus would relay it. */
class FakeAnnouncer implements Announcer {
  open = true;
  readonly announced: ModeratorAnnouncement[] = [];
  readonly sent: ParticipantMessage[] = [];
  echo: ((announcement: ModeratorAnnouncement) => void) | null = null;

  announce(announcement: ModeratorAnnouncement): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.announced.push(announcement);
    const echo = this.echo;
    if (echo !== null) void Promise.resolve().then(() => echo(announcement));
    return Promise.resolve();
  }

  send(message: ParticipantMessage): Promise<void> {
    this.sent.push(message);
    return Promise.resolve();
  }

  post(message: ParticipantMessage): void {
    this.sent.push(message);
  }
}

const seat = (id: string, name: string, role: Role, inviteId: string | null, muted = false): RoomParticipant => ({
  id,
  display: encodeDisplayName({ name, role, inviteId }),
  muted,
  talking: !muted,
  connected: true,
});

function setup(options: { role?: Role; selfId?: string } = {}) {
  const clock = new FakeClock();
  const room = new FakeRoom();
  const announcer = new FakeAnnouncer();
  const role = options.role ?? 'producer';
  const selfId = options.selfId ?? '1';
  room.seats = [
    seat('1', 'Pat', role, role === 'host' ? null : 'p1', true),
    seat('2', 'Hana', 'host', null),
    seat('3', 'Cole', 'cohost', 'c1'),
    seat('4', 'Dee', 'cohost', 'c2'),
  ];
  const identities: Record<Role, { display: string; inviteId: string | null }> = {
    host: { display: 'Hana', inviteId: null },
    producer: { display: 'Pat', inviteId: 'p1' },
    cohost: { display: 'Cole', inviteId: 'c1' },
  };
  const identity = identities[role];
  let participants: Participant[] = [];
  let published = 0;
  /** The roster: every seat's role is the one its display claims (the roster's own tests check the proofs). */
  const verified = (feed: string): Role | null => decodeDisplayName(room.seats.find((seat) => seat.id === feed)?.display ?? '').role;
  const moderation: Moderation = new Moderation({
    clock,
    logger: createLogger('moderation-test'),
    announcer,
    port: {
      self: () => ({
        role,
        display: identity.display,
        inviteId: identity.inviteId,
        moderator: role !== 'cohost',
        roomControl: role !== 'cohost',
        joined: true,
        room,
        selfId,
      }),
      participants: () => participants,
      refresh: () => {
        const built = buildParticipants(room.seats, { selfId, selfMuted: false, selfRole: role, roleOf: verified, ...moderation.view() });
        moderation.forgetMuted(built.unmuted);
        participants = built.participants;
        moderation.enforceLocks();
        published += 1;
      },
      changed: () => (published += 1),
    },
  });
  announcer.echo = (announcement) => {
    if (announcement.type === 'locks' || announcement.type === 'speak-answer') moderation.heardAnnouncement(announcement);
  };
  moderation.enforceLocks();
  const refresh = () => {
    const built = buildParticipants(room.seats, { selfId, selfMuted: false, selfRole: role, roleOf: verified, ...moderation.view() });
    participants = built.participants;
    moderation.enforceLocks();
  };
  refresh();
  const find = (id: string) => participants.find((participant) => participant.id === id);
  return { clock, room, announcer, moderation, refresh, find, published: () => published };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
}

const noisy = (at: number): MicReport => ({
  at,
  levelDbfs: -20,
  peakDbfs: -6,
  voice: 'noise',
  speechProbability: 0.05,
  echoScore: 0,
  echoDelayMs: null,
});

describe('moderation: sticky mutes', () => {
  it('a mute locks the participant (announced before Janus mutes), shows "moderator", and the log says who', async () => {
    const { room, announcer, moderation, find } = setup();
    await moderation.mute('3', true, 'coughing');
    expect(announcer.announced[0]).toMatchObject({
      type: 'locks',
      by: 'Pat (producer)',
      locks: [{ key: 'c1:Cole', display: 'Cole', reason: 'coughing' }],
    });
    expect(room.calls).toEqual(['mute 3']);
    expect(find('3')).toMatchObject({ muted: true, mutedBy: 'moderator', lock: { by: 'Pat (producer)', reason: 'coughing' } });
    expect(moderation.summary().log.at(-1)).toMatchObject({ actor: 'Pat (producer)', action: 'mute', target: 'Cole', detail: 'coughing' });
  });

  it('a locked participant that unmutes itself is muted again after the grace, and the log says so', async () => {
    const { clock, room, moderation, refresh, find } = setup();
    await moderation.mute('3', true);
    room.selfUnmute('3');
    refresh();
    expect(find('3')?.muted).toBe(false);
    clock.advance(59);
    await settle();
    expect(room.calls).toEqual(['mute 3']);
    clock.advance(1);
    await settle();
    expect(room.calls).toEqual(['mute 3', 'mute 3']);
    expect(find('3')?.muted).toBe(true);
    expect(moderation.summary().log.at(-1)).toMatchObject({ action: 're-mute', target: 'Cole', actor: 'sticky mute' });
  });

  it('an unmute lifts the lock, waits for its announcement to come back (at most 500 ms), then unmutes', async () => {
    const { clock, room, announcer, moderation, find } = setup();
    await moderation.mute('3', true);
    announcer.echo = null;
    const unmuting = moderation.mute('3', false);
    await settle();
    expect(room.calls).toEqual(['mute 3']);
    clock.advance(499);
    await settle();
    expect(room.calls).toEqual(['mute 3']);
    clock.advance(1);
    await unmuting;
    expect(room.calls).toEqual(['mute 3', 'unmute 3']);
    expect(announcer.announced.at(-1)).toMatchObject({ type: 'locks', locks: [] });
    expect(find('3')).toMatchObject({ muted: false, lock: null });
  });

  it('locks announced by another moderator replace ours only when newer, and a lock on us is logged', async () => {
    const { moderation, find, clock } = setup({ role: 'cohost', selfId: '3' });
    const lock = { key: 'c1:Cole', feed: '3', display: 'Cole', by: 'Hana (host)', reason: 'Muted by the host', at: clock.now() };
    moderation.heardAnnouncement({ v: 1, type: 'locks', revision: 10, by: 'Hana (host)', locks: [lock] });
    expect(moderation.selfLock()).toEqual(lock);
    moderation.heardAnnouncement({ v: 1, type: 'locks', revision: 9, by: 'Pat (producer)', locks: [] });
    expect(moderation.selfLock()).toEqual(lock);
    expect(find('3')?.lock).toMatchObject({ by: 'Hana (host)' });
    await expect(moderation.mute('4', true)).rejects.toThrow('Only the host or a producer can mute others');
  });

  it('mute all but hosts locks and mutes every non-host, counts Janus refusals, and says what to do', async () => {
    const { room, moderation, find } = setup();
    room.refuse.add('4');
    await expect(moderation.muteAllButHosts()).rejects.toThrow(
      /Some participants could not be muted \(Dee: Janus said no\)\. Try again, or remove them\./,
    );
    expect(room.calls).toEqual(['mute 3', 'mute 4']);
    expect(find('2')?.muted).toBe(false);
    expect(find('3')?.lock).not.toBeNull();
    expect(find('4')?.lock).not.toBeNull();
    expect(moderation.summary().log.at(-1)).toMatchObject({
      action: 'mute-all',
      detail: 'muted everyone except the hosts: 1 muted; whoever joins is muted too until it is lifted',
    });
  });
});

describe('moderation: mute all stays in force', () => {
  it('locks whoever joins later (unverified too) until lifted; one let speak is not locked again; producers are not', async () => {
    const { room, moderation, refresh, find, announcer } = setup({ role: 'host', selfId: '2' });
    await moderation.muteAllButHosts();
    expect(moderation.muteAllInForce).toBe(true);
    expect(announcer.announced.at(-1)).toMatchObject({ type: 'locks', muteAll: true });
    room.seats = [
      ...room.seats,
      seat('5', 'Nia', 'cohost', 'c5'),
      { id: '6', display: 'Hana', muted: false, talking: true, connected: true },
      seat('7', 'Pam', 'producer', 'p7'),
    ];
    refresh();
    await settle();
    expect(find('5')).toMatchObject({ muted: true, lock: { reason: 'Everyone except the hosts was muted' } });
    // A display that claims to be the host (no roster entry) is no host.
    expect(find('6')?.role).toBeNull();
    expect(find('6')?.muted).toBe(true);
    expect(find('7')?.muted).toBe(false);
    await moderation.mute('5', false);
    refresh();
    await settle();
    expect(find('5')).toMatchObject({ muted: false, lock: null });
    await moderation.liftMuteAll();
    expect(moderation.muteAllInForce).toBe(false);
    room.seats = [...room.seats, seat('8', 'Ola', 'cohost', 'c8')];
    refresh();
    await settle();
    expect(find('8')?.muted).toBe(false);
    expect(moderation.summary().log.at(-1)).toMatchObject({ action: 'mute-all', detail: 'lifted: people who join are no longer muted' });
  });

  it("another moderator's engine learns mute-all and its exemptions from the locks announcement", async () => {
    const { moderation, clock, find } = setup({ role: 'producer' });
    moderation.heardAnnouncement({
      v: 1,
      type: 'locks',
      revision: clock.now() + 10,
      by: 'Hana (host)',
      locks: [],
      muteAll: true,
      exempt: ['c1:Cole'],
    });
    expect(moderation.muteAllInForce).toBe(true);
    await settle();
    // Cole was let speak: not locked again; Dee joined after: locked by this engine too.
    expect(find('3')?.lock).toBeNull();
    expect(find('4')?.lock).not.toBeNull();
    moderation.heardAnnouncement({ v: 1, type: 'locks', revision: clock.now() + 1000, by: 'Hana (host)', locks: [] });
    expect(moderation.muteAllInForce).toBe(false);
  });
});

describe('moderation: a producer relays through the host', () => {
  it("a producer's engine (no room secret) asks the host's engine instead of Janus, and logs what it asked", async () => {
    const clock = new FakeClock();
    const room = new FakeRoom();
    room.seats = [seat('1', 'Pat', 'producer', 'p1', true), seat('2', 'Hana', 'host', null), seat('3', 'Cole', 'cohost', 'c1')];
    const relayed: RelayRequest[] = [];
    let participants: Participant[] = [];
    const moderation: Moderation = new Moderation({
      clock,
      logger: createLogger('moderation-test'),
      announcer: new FakeAnnouncer(),
      port: {
        self: () => ({
          role: 'producer',
          display: 'Pat',
          inviteId: 'p1',
          moderator: true,
          roomControl: false,
          joined: true,
          room,
          selfId: '1',
        }),
        participants: () => participants,
        refresh: () => {
          participants = buildParticipants(room.seats, {
            selfId: '1',
            selfMuted: true,
            selfRole: 'producer',
            roleOf: (feed) => decodeDisplayName(room.seats.find((s) => s.id === feed)?.display ?? '').role,
            ...moderation.view(),
          }).participants;
        },
        changed: () => undefined,
        relay: (request) => {
          relayed.push(request);
          return Promise.resolve(request.action === 'mute-all' ? 1 : null);
        },
      },
    });
    moderation.enforceLocks();
    participants = buildParticipants(room.seats, {
      selfId: '1',
      selfMuted: true,
      selfRole: 'producer',
      roleOf: (feed) => decodeDisplayName(room.seats.find((s) => s.id === feed)?.display ?? '').role,
      ...moderation.view(),
    }).participants;
    await moderation.mute('3', true, 'hum');
    await moderation.remove('3');
    expect(await moderation.muteAllButHosts()).toBe(1);
    expect(relayed).toEqual([
      { action: 'mute', feed: '3', reason: 'hum', approve: null },
      { action: 'remove', feed: '3', reason: null, approve: null },
      { action: 'mute-all', feed: null, reason: null, approve: null },
    ]);
    expect(room.calls).toEqual([]);
    expect(moderation.summary().log.map((event) => [event.actor, event.action])).toEqual([
      ['Pat (producer)', 'mute'],
      ['Pat (producer)', 'remove'],
      ['Pat (producer)', 'mute-all'],
    ]);
  });

  it("the host's engine performs a relayed request in the producer's name", async () => {
    const { moderation, room, find } = setup({ role: 'host', selfId: '2' });
    await moderation.perform({ action: 'mute', feed: '3', reason: 'from the desk', approve: null }, 'Pat Producer (producer)');
    expect(room.calls).toEqual(['mute 3']);
    expect(find('3')?.lock).toMatchObject({ by: 'Pat Producer (producer)', reason: 'from the desk' });
    expect(moderation.summary().log.at(-1)).toMatchObject({ actor: 'Pat Producer (producer)', action: 'mute', target: 'Cole' });
    await expect(moderation.perform({ action: 'mute', feed: '2', reason: null, approve: null }, 'Pat Producer (producer)')).rejects.toThrow(
      'Use your own microphone button',
    );
  });
});

describe('moderation: requests to speak, removal, auto-mute', () => {
  it('a locked participant asks to speak; a moderator approves, which unmutes and lifts the lock', async () => {
    const { moderation, announcer, room, find } = setup();
    await moderation.mute('3', true);
    moderation.heardMessage('3', { v: 1, type: 'speak-request', active: true });
    expect(find('3')?.speakRequested).toBe(true);
    await moderation.answerSpeakRequest('3', true);
    expect(announcer.announced.some((announcement) => announcement.type === 'speak-answer' && announcement.approved)).toBe(true);
    expect(room.calls.at(-1)).toBe('unmute 3');
    expect(find('3')).toMatchObject({ muted: false, lock: null, speakRequested: false });
    await expect(moderation.answerSpeakRequest('3', true)).rejects.toThrow('Cole has not asked to speak');
  });

  it('a request to speak needs a lock and an open channel', async () => {
    const { moderation, announcer } = setup({ role: 'cohost', selfId: '3' });
    await expect(moderation.requestToSpeak(true)).rejects.toThrow('No moderator has muted you');
    moderation.heardAnnouncement({
      v: 1,
      type: 'locks',
      revision: 5,
      by: 'Hana (host)',
      locks: [{ key: 'c1:Cole', feed: '3', display: 'Cole', by: 'Hana (host)', reason: 'r', at: 1 }],
    });
    announcer.open = false;
    await expect(moderation.requestToSpeak(true)).rejects.toThrow('The space channel is not connected');
    announcer.open = true;
    await moderation.requestToSpeak(true);
    expect(announcer.sent).toEqual([{ v: 1, type: 'speak-request', active: true }]);
    expect(moderation.summary().selfSpeakRequested).toBe(true);
  });

  it('remove kicks another participant and refuses ourselves; removeInvitees kicks everyone of one invite', async () => {
    const { moderation, room } = setup({ role: 'host', selfId: '2' });
    await expect(moderation.remove('2')).rejects.toThrow('To leave the room yourself, use Leave.');
    await moderation.remove('3');
    expect(room.calls).toEqual(['kick 3']);
    expect(await moderation.removeInvitees('c2')).toBe(1);
    expect(room.calls).toEqual(['kick 3', 'kick 4']);
  });

  it('flags a noisy open microphone after 5 s and auto-mutes it when auto-mute is on, never the host', async () => {
    const { clock, moderation, room, find, refresh } = setup({ role: 'producer' });
    moderation.setAutoMute(true);
    room.seats = room.seats.map((s) => (s.id === '2' ? { ...s, talking: true } : s));
    refresh();
    for (let i = 0; i < 40; i += 1) {
      clock.advance(200);
      moderation.heardMessage('3', { v: 1, type: 'mic', report: noisy(clock.now()) });
      moderation.heardMessage('2', { v: 1, type: 'mic', report: noisy(clock.now()) });
      moderation.tick(clock.now());
      moderation.moderateTick(clock.now());
      await settle();
    }
    expect(room.calls).toEqual(['mute 3']);
    expect(find('3')?.lock?.reason).toMatch(/^Auto-muted: Open microphone carrying steady noise/);
    expect(find('2')?.flags.map((flag) => flag.kind)).toContain('noise');
    expect(find('2')?.muted).toBe(false);
  });

  it('the mic-levels event carries each fresh report and empties once when they go stale', () => {
    const clock = new FakeClock();
    const levels: number[] = [];
    const moderation = new Moderation({
      clock,
      logger: createLogger('moderation-test'),
      announcer: new FakeAnnouncer(),
      port: {
        self: () => ({
          role: 'cohost',
          display: 'Cole',
          inviteId: 'c1',
          moderator: false,
          roomControl: false,
          joined: true,
          room: null,
          selfId: '3',
        }),
        participants: () =>
          buildParticipants([seat('3', 'Cole', 'cohost', 'c1')], {
            selfId: '3',
            selfRole: 'cohost',
            roleOf: () => null,
            selfMuted: false,
            selfSpeakRequested: false,
            locks: new Map(),
            flags: new Map(),
            mutedByModerator: new Set(),
            speakRequests: new Set(),
          }).participants,
        refresh: () => undefined,
        changed: () => undefined,
        levels: (event) => levels.push(event.levels.length),
      },
    });
    expect(moderation.reportMic(noisy(clock.now()))).toBe(true);
    expect(moderation.reportMic(noisy(clock.now()))).toBe(false);
    moderation.tick(clock.now());
    clock.advance(2000);
    moderation.tick(clock.now());
    moderation.tick(clock.now());
    expect(levels).toEqual([1, 0]);
  });
});
