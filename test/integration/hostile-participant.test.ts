import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineConfigSchema, type EngineConfig } from '../../electron/engine/config';
import { encodeDisplayName, type ConversationState } from '../../electron/shared/conversation';
import type { Engine } from '../../electron/engine/engine';
import { decodeInvite, type InvitePayload } from '../../electron/engine/invites/invite-code';
import { signJanusToken } from '../../electron/engine/janus/janus-token';
import { delay } from '../env/process';
import { startSpaceServers, type SpaceServers } from '../env/space-servers';
import { engineWith, until } from '../support/integration/conversation-support';
import { armsOf, attack, joinRaw, stoppableClock, type AttackReport, type RawSeat } from '../support/integration/hostile-support';

/*
 * A hostile participant against real Janus servers (primary and backup rooms) with core
 * token_auth on: what each kind of invite lets its holder do, with the host's engine running and
 * stopped. The table these tests fill is docs/security.md's attack table.
 */

const MINUTE = 60_000;

/** Prints a report as a row of the attack table (docs/security.md). */
function table(what: string, report: AttackReport): void {
  console.info(
    `attack table | ${what} | ${Object.entries(report)
      .map(([name, outcome]) => `${name}: ${outcome.held ? 'held' : 'DONE'}`)
      .join(', ')}`,
  );
}

/** The attempts that must all be refused, by what a report says. */
function broken(report: AttackReport): string[] {
  return Object.entries(report)
    .filter(([, outcome]) => !outcome.held)
    .map(([name, outcome]) => `${name}: ${outcome.how}`);
}

describe('hostile participant: invites against real Janus with token_auth', () => {
  let space: SpaceServers;
  let config: EngineConfig;
  let host: Engine;
  const clock = stoppableClock();
  const extra: Engine[] = [];
  const seats: RawSeat[] = [];

  beforeAll(async () => {
    space = await startSpaceServers({ tokenAuth: true });
    config = space.config('Hostile drill');
    host = engineWith(config, clock);
    await host.execute({ channel: 'space:provision', payload: {} });
    await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
    await until(host, (state) => state.link.status === 'joined', 'the host joined');
  }, 60_000);

  afterAll(async () => {
    for (const seat of seats) await seat.close();
    for (const engine of extra) await engine.leaveConversation().catch(() => undefined);
    await host?.leaveConversation().catch(() => undefined);
    await space?.stop();
  });

  it('an invite carries no server secret; without its Janus token nothing opens, with it the holder only joins', async () => {
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 60 } });
    const invite: InvitePayload = decodeInvite(code, clock.now());
    const json = JSON.stringify(invite);
    for (const name of ['primary', 'backup'] as const) {
      const janus = config.space[name]?.janus;
      for (const secret of [janus?.tokenSecret, janus?.room?.secret, janus?.apiSecret, janus?.adminKey])
        if (secret !== undefined) expect(json).not.toContain(secret);
    }
    const victim = host.getState().conversation.participants.find((participant) => participant.self)?.id ?? null;
    for (const endpoint of ['primary', 'backup'] as const) {
      const arms = armsOf(invite, endpoint);
      const tokenless = await attack({ ...arms, janusToken: undefined }, victim);
      expect(tokenless.session.held, `${endpoint}: a session without the Janus token`).toBe(true);
      expect(tokenless.session.how).toMatch(/unauthorized|403/i);
      const report = await attack(arms, victim);
      table(`co-host invite, ${endpoint}, host running`, report);
      expect(report.session.held, `${endpoint}: the invite's own token opens a session`).toBe(false);
      expect(report.join.held, `${endpoint}: a valid co-host invite joins`).toBe(false);
      for (const action of ['allowed', 'mute', 'kick', 'announce', 'destroy'] as const)
        expect(report[action].held, `${endpoint}: ${action} with a co-host invite`).toBe(true);
    }
    expect(host.getState().conversation.link.status).toBe('joined');
  });

  it("a co-host copying the host's display byte for byte is unverified on every app, and mute all mutes it and whoever joins later, until lifted", async () => {
    const cole = engineWith(EngineConfigSchema.parse({ space: { name: 'Co-host' } }));
    const pia = engineWith(EngineConfigSchema.parse({ space: { name: 'Producer' } }));
    extra.push(cole, pia);
    const cohostInvite = await host.execute({
      channel: 'invites:create',
      payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 60 },
    });
    const producerInvite = await host.execute({
      channel: 'invites:create',
      payload: { role: 'producer', label: 'Pia', expiresInMinutes: 60 },
    });
    const spoofInvite = await host.execute({
      channel: 'invites:create',
      payload: { role: 'cohost', label: 'Mallory', expiresInMinutes: 60 },
    });
    await cole.execute({ channel: 'conversation:join', payload: { display: 'Cole Cohost', invite: cohostInvite.code } });
    await pia.execute({ channel: 'conversation:join', payload: { display: 'Pia Producer', invite: producerInvite.code } });
    // The host's display exactly as its engine wrote it: name, role suffix and all.
    const hostDisplay = encodeDisplayName({ name: 'Hana Host', role: 'host', inviteId: null });
    const spoofer = await joinRaw(armsOf(decodeInvite(spoofInvite.code, clock.now()), 'primary'), hostDisplay, false);
    seats.push(spoofer);
    const verified = (state: ConversationState) =>
      state.participants.some((p) => p.id === spoofer.feed) &&
      ['Hana Host', 'Cole Cohost', 'Pia Producer'].every((name) => state.participants.some((p) => p.display === name && p.role !== null));
    for (const [engine, who] of [
      [host, 'host'],
      [cole, 'co-host'],
      [pia, 'producer'],
    ] as const) {
      const state = await until(engine, verified, `${who}'s app sees the room with verified roles`, 20_000);
      const spoof = state.participants.find((p) => p.id === spoofer.feed);
      expect(spoof, `${who}'s app lists the spoofer`).toMatchObject({ display: 'Hana Host', role: null });
      expect(state.participants.filter((p) => p.role === 'host').map((p) => p.self || p.id !== spoofer.feed)).toEqual([true]);
      expect(state.participants.find((p) => p.display === 'Cole Cohost')?.role).toBe('cohost');
    }

    const { muted } = await host.execute({ channel: 'moderation:mute-all', payload: {} });
    // The co-host and the spoofer (the producer and the first test's rogue joined muted).
    expect(muted).toBe(2);
    // The lock on the spoofer is not one on the host it copied.
    expect(host.getState().conversation.participants.find((p) => p.self)?.lock).toBeNull();
    const after = await until(
      host,
      (state) => state.participants.filter((p) => !p.self).every((p) => p.muted),
      'everyone but the host muted',
    );
    expect(after.participants.find((p) => p.id === spoofer.feed)?.lock).not.toBeNull();

    // Whoever joins after mute-all (unmuted, claiming to be the host) is muted and locked by the host's engine.
    const lateInvite = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Late', expiresInMinutes: 60 } });
    const late = await joinRaw(armsOf(decodeInvite(lateInvite.code, clock.now()), 'primary'), hostDisplay, false);
    seats.push(late);
    const lateSeen = await until(
      host,
      (state) => state.participants.some((p) => p.id === late.feed && p.muted && p.lock !== null),
      'the late joiner muted and locked',
      10_000,
    );
    expect(lateSeen.moderation.log.some((event) => event.action === 'mute-all' && event.target === 'Hana Host')).toBe(true);

    await host.execute({ channel: 'moderation:mute-all', payload: { lift: true } });
    const freeInvite = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Free', expiresInMinutes: 60 } });
    const free = await joinRaw(armsOf(decodeInvite(freeInvite.code, clock.now()), 'primary'), 'Fay Free', false);
    seats.push(free);
    await until(host, (state) => state.participants.some((p) => p.id === free.feed), 'the joiner after the lift listed');
    await delay(1500);
    expect(host.getState().conversation.participants.find((p) => p.id === free.feed)).toMatchObject({ muted: false, lock: null });
  }, 90_000);

  it("a co-host named like the host is flagged and auto-muted like any co-host (its noisy microphone reports reach the host's engine)", async () => {
    const mimic = engineWith(EngineConfigSchema.parse({ space: { name: 'Co-host' } }));
    extra.push(mimic);
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Mimic', expiresInMinutes: 60 } });
    await mimic.execute({ channel: 'conversation:join', payload: { display: 'Hana Host', invite: code } });
    const seated = await until(mimic, (state) => state.channel.status === 'open', "the mimic's space channel open", 15_000);
    const feed = seated.participants.find((p) => p.self)?.id ?? '';
    await until(
      host,
      (state) => state.participants.some((p) => p.id === feed && p.role === 'cohost'),
      'the mimic shown as the co-host it is',
      15_000,
    );
    await host.execute({ channel: 'moderation:set-auto-mute', payload: { enabled: true } });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !host.getState().conversation.participants.some((p) => p.id === feed && p.muted)) {
      const now = Date.now();
      await mimic.execute({
        channel: 'conversation:report-mic',
        payload: {
          report: { at: now, levelDbfs: -18, peakDbfs: -6, voice: 'noise', speechProbability: 0.02, echoScore: 0, echoDelayMs: null },
        },
      });
      await delay(200);
    }
    const muted = host.getState().conversation.participants.find((p) => p.id === feed);
    expect(muted, 'auto-muted by the host engine').toMatchObject({ display: 'Hana Host', role: 'cohost', muted: true });
    expect(muted?.lock?.reason).toMatch(/^Auto-muted: /);
    expect(host.getState().conversation.participants.find((p) => p.self)?.lock).toBeNull();
    await host.execute({ channel: 'moderation:set-auto-mute', payload: { enabled: false } });
    await mimic.leaveConversation();
  }, 60_000);

  it('a revoked producer invite: nothing it carried mutes, kicks, adds tokens, joins, destroys or announces in either room (its Janus token still lists participants until expiry); its engine can no longer moderate', async () => {
    const pat = engineWith(EngineConfigSchema.parse({ space: { name: 'Producer' } }));
    extra.push(pat);
    const created = await host.execute({ channel: 'invites:create', payload: { role: 'producer', label: 'Pat', expiresInMinutes: 60 } });
    const invite = decodeInvite(created.code, clock.now());
    expect(JSON.stringify(invite)).not.toContain(config.space.primary?.janus.room?.secret ?? 'no secret');
    await pat.execute({ channel: 'conversation:join', payload: { display: 'Pat Producer', invite: created.code } });
    await until(
      host,
      (state) => state.participants.some((p) => p.display === 'Pat Producer' && p.role === 'producer'),
      'the producer verified',
    );
    // While valid, the producer moderates through the host's engine (no room secret of its own).
    const target = host.getState().conversation.participants.find((p) => p.display === 'Cole Cohost');
    if (target === undefined) throw new Error('the co-host is in the room');
    await pat.execute({ channel: 'moderation:set-muted', payload: { participantId: target.id, muted: true, reason: 'Relayed' } });
    await until(
      host,
      (state) => state.participants.some((p) => p.id === target.id && p.lock?.by === 'Pat Producer (producer)'),
      'the relayed mute',
    );
    await pat.execute({ channel: 'moderation:set-muted', payload: { participantId: target.id, muted: false } });

    await host.execute({ channel: 'invites:revoke', payload: { id: invite.id, removeParticipants: true } });
    await until(pat, (state) => state.link.status === 'failed', 'the revoked producer removed');
    const victim = host.getState().conversation.participants.find((p) => p.self)?.id ?? null;
    for (const endpoint of ['primary', 'backup'] as const) {
      const report = await attack(armsOf(invite, endpoint), victim);
      table(`revoked producer invite, ${endpoint}, host running`, report);
      // The Janus token still opens a session until the invite's expiry (signed tokens cannot be revoked one by one).
      for (const action of ['list', 'allowed', 'join', 'mute', 'kick', 'announce', 'destroy'] as const)
        expect(report[action].held, `${endpoint}: ${action} with a revoked producer invite`).toBe(true);
    }
    expect(host.getState().conversation.link.status).toBe('joined');
  }, 90_000);

  it("expiry holds with the host's app stopped: Janus refuses the expired invite's token while the token is still in the allowed list", async () => {
    // With the host's app gone, a valid producer cannot moderate (only the host's engine holds the room secret).
    const producerInvite = await host.execute({
      channel: 'invites:create',
      payload: { role: 'producer', label: 'Late producer', expiresInMinutes: 60 },
    });
    const late = engineWith(EngineConfigSchema.parse({ space: { name: 'Producer' } }));
    extra.push(late);
    await late.execute({ channel: 'conversation:join', payload: { display: 'Lee Producer', invite: producerInvite.code } });
    await until(
      late,
      (state) => state.channel.status === 'open' && state.participants.some((p) => p.role === 'host'),
      "the producer's app sees the host",
    );
    await host.leaveConversation();
    const someone = await until(
      late,
      (state) => state.participants.length >= 2 && !state.participants.some((p) => p.role === 'host'),
      'the host gone',
    );
    const other = someone.participants.find((p) => !p.self);
    if (other === undefined) throw new Error('someone else is in the room');
    await expect(late.execute({ channel: 'moderation:set-muted', payload: { participantId: other.id, muted: true } })).rejects.toThrow(
      /The host's app did not answer: producers can mute, unmute and remove people only while the host's app is in the room/,
    );
    // The host's clock runs 59 min 55 s behind: a one-hour invite made now expires in 5 s.
    clock.shift(-(60 * MINUTE - 5000));
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Short', expiresInMinutes: 60 } });
    const invite = decodeInvite(code, clock.now());
    clock.shift(60 * MINUTE - 5000);
    // The host's app quits: its engine leaves and none of its timers (the expiry sweep) ever runs.
    for (const seat of seats.splice(0)) await seat.close();
    for (const engine of extra.splice(0)) await engine.leaveConversation().catch(() => undefined);
    await host.leaveConversation();
    clock.stop();
    const before = await attack(armsOf(invite, 'primary'), null);
    expect(before.session.held, 'the invite works before its expiry').toBe(false);
    await delay(Math.max(0, invite.expiresAt - Date.now()) + 1500);
    for (const endpoint of ['primary', 'backup'] as const) {
      const after = await attack(armsOf(invite, endpoint), null);
      table(`expired co-host invite, ${endpoint}, host's app stopped`, after);
      expect(broken(after), `${endpoint} after expiry`).toEqual([]);
      expect(after.session.how).toMatch(/unauthorized|403/i);
      // Nobody took the token out of the room: Janus itself refused the expired signed token.
      const janus = config.space[endpoint]?.janus;
      if (janus?.tokenSecret === undefined || janus.room === undefined) throw new Error('the test space has token auth');
      const hostArms = {
        url: janus.url,
        janusToken: signJanusToken(janus.tokenSecret, Date.now() + MINUTE),
        room: janus.room.id,
        token: 'unused',
        roomSecret: janus.room.secret,
        inviteId: 'probe',
      };
      const probe = await attack(hostArms, null, { harmless: true });
      expect(probe.allowed.how, `${endpoint}: the expired invite's token is still allowed`).toContain(invite.token);
    }
  }, 60_000);
});
