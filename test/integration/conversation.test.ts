import { randomBytes, randomInt } from 'node:crypto';
import Janode from 'janode';
import AudioBridgePlugin, { type AudioBridgeHandle } from 'janode/plugins/audiobridge';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EngineConfigSchema } from '../../electron/engine/config';
import type { Engine } from '../../electron/engine/engine';
import { addLogSink, type LogRecord } from '../../electron/engine/log/logger';
import { decodeInvite } from '../../electron/engine/invites/invite-code';
import { launchChromium, PeerPage, startPeerPageServer, type PeerPageServer } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { delay } from '../env/process';
import { startTcpProxy, type TcpProxy } from '../env/tcp-proxy';
import {
  AUDIBLE_ENERGY,
  connectMedia,
  engineWith,
  gained,
  shiftedClock,
  until,
  untilQuiet,
} from '../support/integration/conversation-support';

/*
 * The conversation through the engine against a real Janus: the host provisions the room and
 * invites a co-host; a second engine joins with the invite; real Chromium pages carry the media
 * (their offers and answers go through `conversation:offer`). The host's Janus URL points at a TCP
 * proxy, and the invite carries it, so the test can drop every Janus WebSocket at once.
 */

const servers = inject('servers');

describe('conversation: invites, join, self-mute and Janus reconnect (real Janus, real Chromium)', () => {
  const room = randomInt(1_000_000, 2_000_000_000);
  const secret = randomBytes(12).toString('hex');
  const hostClock = shiftedClock();
  let proxy: TcpProxy;
  let host: Engine;
  let guest: Engine;
  let browser: Browser;
  let pageServer: PeerPageServer;
  let hostPeer: PeerPage;
  let guestPeer: PeerPage;
  const extraEngines: Engine[] = [];
  const logs: LogRecord[] = [];
  const removeSink = addLogSink((record) => logs.push(record));

  beforeAll(async () => {
    const { speechWav } = await ensureFixtures();
    const janus = new URL(servers.janus.wsUrl);
    [proxy, browser, pageServer] = await Promise.all([
      startTcpProxy(janus.hostname, Number(janus.port)),
      launchChromium(speechWav),
      startPeerPageServer(),
    ]);
    const config = EngineConfigSchema.parse({
      space: {
        name: 'Invite drill',
        primary: {
          janus: { url: `ws://${proxy.host}:${proxy.port}`, room: { id: room, secret } },
          icecast: {
            mountUrl: `http://source:${servers.icecast.sourcePassword}@${servers.icecast.host}:${servers.icecast.port}/invite-drill.opus`,
          },
        },
      },
    });
    host = engineWith(config, hostClock);
    guest = engineWith(EngineConfigSchema.parse({ space: { name: 'Guest' } }));
    [hostPeer, guestPeer] = await Promise.all([PeerPage.open(browser, pageServer), PeerPage.open(browser, pageServer)]);
  });

  afterAll(async () => {
    removeSink();
    for (const engine of [guest, host, ...extraEngines]) await engine?.leaveConversation().catch(() => undefined);
    await hostPeer?.close();
    await guestPeer?.close();
    await browser?.close();
    await pageServer?.close();
    await proxy?.close();
  });

  it('the host provisions the room, a co-host joins with an invite, and audio flows both ways', async () => {
    const { rooms } = await host.execute({ channel: 'space:provision', payload: {} });
    expect(rooms).toEqual([{ endpoint: 'primary', room: String(room), created: true }]);
    // Provisioning again finds the room and keeps it.
    expect((await host.execute({ channel: 'space:provision', payload: {} })).rooms[0]?.created).toBe(false);

    await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
    await connectMedia(host, hostPeer);

    const created = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 60 } });
    expect(created.link).toMatch(/^steadycast:\/\/join\//);
    const preview = await guest.execute({ channel: 'invites:preview', payload: { invite: created.link } });
    expect(preview).toMatchObject({ space: 'Invite drill', role: 'cohost', endpoints: ['primary'] });

    const joined = await guest.execute({ channel: 'conversation:join', payload: { display: 'Cole Cohost', invite: created.code } });
    expect(joined.link).toMatchObject({ status: 'joined', role: 'cohost' });
    await connectMedia(guest, guestPeer);

    // Roles come from the host's roster (the co-host's engine proves its invite on the space channel), not from display names.
    const seenByHost = await until(
      host,
      (state) => state.participants.length === 2 && state.participants.every((p) => p.connected && p.role !== null),
      'both participants connected and verified',
    );
    expect(seenByHost.participants.map((p) => [p.display, p.role, p.self]).sort()).toEqual([
      ['Cole Cohost', 'cohost', false],
      ['Hana Host', 'host', true],
    ]);
    expect(seenByHost.participants.find((p) => p.role === 'cohost')?.inviteId).toBe(created.invite.id);

    // Each page hears the other's fake microphone (speech) through the mixer.
    const [hostFlow, guestFlow] = await Promise.all([gained(hostPeer, 2000), gained(guestPeer, 2000)]);
    expect(hostFlow.receivedAudioEnergy, `host received ${JSON.stringify(hostFlow)}`).toBeGreaterThan(AUDIBLE_ENERGY);
    expect(guestFlow.receivedAudioEnergy, `guest received ${JSON.stringify(guestFlow)}`).toBeGreaterThan(AUDIBLE_ENERGY);
  });

  it('self-mute takes the co-host out of the mix, and everyone sees it; unmute brings them back', async () => {
    const speaking = await gained(hostPeer, 1500);
    await guest.execute({ channel: 'conversation:set-muted', payload: { muted: true } });
    const muted = await until(
      host,
      (state) => state.participants.some((p) => p.role === 'cohost' && p.muted),
      'co-host shown muted at the host',
    );
    expect(muted.participants.find((p) => p.role === 'cohost')?.talking).toBe(false);
    // The host's mix is the room without the host: only the co-host, now muted. It goes silent
    // (a window with under 1/50 of the speaking energy) and stays silent.
    const silent = await untilQuiet(hostPeer, speaking.receivedAudioEnergy / 50, 5000);
    expect(silent.packetsReceived, 'Janus keeps sending the (silent) mix').toBeGreaterThan(10);
    const stillSilent = await gained(hostPeer, 1000);
    expect(stillSilent.receivedAudioEnergy, `muted ${JSON.stringify(stillSilent)} vs speaking ${JSON.stringify(speaking)}`).toBeLessThan(
      speaking.receivedAudioEnergy / 50,
    );

    await guest.execute({ channel: 'conversation:set-muted', payload: { muted: false } });
    await until(host, (state) => state.participants.some((p) => p.role === 'cohost' && !p.muted), 'co-host shown unmuted');
    await delay(300);
    expect((await gained(hostPeer, 1500)).receivedAudioEnergy).toBeGreaterThan(AUDIBLE_ENERGY);
  });

  it('refuses a damaged, a revoked and an expired invite, each with its own message', async () => {
    const outsider = engineWith(EngineConfigSchema.parse({ space: { name: 'Outsider' } }));
    extraEngines.push(outsider);
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'damaged', expiresInMinutes: 60 } });
    const middle = Math.floor(code.length / 2);
    const damaged = `${code.slice(0, middle)}${code[middle] === 'A' ? 'B' : 'A'}${code.slice(middle + 1)}`;
    await expect(outsider.execute({ channel: 'conversation:join', payload: { display: 'Mallory', invite: damaged } })).rejects.toThrow(
      /damaged/i,
    );
    await expect(
      outsider.execute({ channel: 'conversation:join', payload: { display: 'Mallory', invite: code.slice(0, -5) } }),
    ).rejects.toThrow(/damaged/i);

    // Revoked: the code itself is intact, Janus refuses its token.
    const revokedInvite = await host.execute({
      channel: 'invites:create',
      payload: { role: 'cohost', label: 'to revoke', expiresInMinutes: 60 },
    });
    const { invite: revoked } = await host.execute({
      channel: 'invites:revoke',
      payload: { id: revokedInvite.invite.id, removeParticipants: false },
    });
    expect(revoked.status).toBe('revoked');
    await expect(
      outsider.execute({ channel: 'conversation:join', payload: { display: 'Late', invite: revokedInvite.code } }),
    ).rejects.toThrow(/revoked/i);
    expect(outsider.getState().conversation.link.status).toBe('failed');

    // Expired: refused by the joining app from the code alone…
    const shortInvite = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'short', expiresInMinutes: 1 } });
    const later = shiftedClock();
    later.shift(2 * 60_000);
    const lateEngine = engineWith(EngineConfigSchema.parse({ space: { name: 'Late' } }), later);
    extraEngines.push(lateEngine);
    await expect(
      lateEngine.execute({ channel: 'conversation:join', payload: { display: 'Late', invite: shortInvite.code } }),
    ).rejects.toThrow(/expired/i);
    // …and by Janus once the host's engine has swept it, so an app that ignores the expiry gets nowhere.
    hostClock.shift(2 * 60_000);
    await host.sweepExpiredInvites();
    const listed = await host.execute({ channel: 'invites:list', payload: {} });
    expect(listed.invites.find((item) => item.id === shortInvite.invite.id)?.status).toBe('expired');
    await expect(
      outsider.execute({ channel: 'conversation:join', payload: { display: 'Late', invite: shortInvite.code } }),
    ).rejects.toThrow(/revoked or has expired/i);

    // The participants already in the room are untouched.
    expect(host.getState().conversation.participants).toHaveLength(2);
  });

  it('a dropped Janus WebSocket is claimed back: the same feeds, participants resynced, audio still flowing', async () => {
    const before = host.getState().conversation;
    const selfIds = [before.link, guest.getState().conversation.link].map((link) => (link.status === 'joined' ? link.selfId : null));
    // The path to Janus breaks and stays broken (new connections are held) until heal().
    const walkInCode = (
      await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'walk-in', expiresInMinutes: 60 } })
    ).code;
    proxy.dropConnections();
    proxy.blackHole();
    await until(host, (state) => state.link.status === 'reconnecting', 'host reconnecting', 5000);
    await until(guest, (state) => state.link.status === 'reconnecting', 'guest reconnecting', 5000);

    // Meanwhile someone joins the room directly: Janus's event about it never reaches the engines.
    const { token } = decodeInvite(walkInCode, Date.now());
    const connection = await Janode.connect({ address: { url: servers.janus.wsUrl }, max_retries: 1, retry_time_secs: 1 });
    const session = await connection.create();
    const walkIn = await session.attach<AudioBridgeHandle>(AudioBridgePlugin);
    try {
      await walkIn.join({ room, display: 'Walk-in', token, muted: true });
      proxy.heal();
      const after = await until(host, (state) => state.link.status === 'joined', 'host joined again', 20_000);
      await until(guest, (state) => state.link.status === 'joined', 'guest joined again', 20_000);
      // The resync after the claim shows the participant whose join event was lost.
      const resynced = await until(host, (state) => state.participants.some((p) => p.display === 'Walk-in'), 'walk-in seen after resync');
      expect(resynced.participants).toHaveLength(3);
      // Claimed, not joined afresh: the engines said so, and their feeds are the ones from before.
      expect(logs.filter((record) => /session \d+ claimed back/.test(record.message)).length).toBeGreaterThanOrEqual(2);
      expect([after.link, guest.getState().conversation.link].map((link) => (link.status === 'joined' ? link.selfId : null))).toEqual(
        selfIds,
      );
    } finally {
      proxy.heal();
      await walkIn.leave().catch(() => undefined);
      await session.destroy().catch(() => undefined);
      await connection.close().catch(() => undefined);
    }
    // Live events arrive on the claimed session again.
    await until(host, (state) => state.participants.length === 2, 'walk-in gone');

    // The PeerConnections never went through the proxy: the audio kept flowing.
    const [hostFlow, guestFlow] = await Promise.all([gained(hostPeer, 1500), gained(guestPeer, 1500)]);
    expect(hostFlow.receivedAudioEnergy).toBeGreaterThan(AUDIBLE_ENERGY);
    expect(guestFlow.receivedAudioEnergy).toBeGreaterThan(AUDIBLE_ENERGY);
    // And the claimed sessions still carry commands.
    await guest.execute({ channel: 'conversation:set-muted', payload: { muted: true } });
    await until(host, (state) => state.participants.some((p) => p.role === 'cohost' && p.muted), 'mute after reclaim reaches the host');
    await guest.execute({ channel: 'conversation:set-muted', payload: { muted: false } });
  });

  it('an ICE restart through the engine renews the media path without rejoining', async () => {
    const feedBefore = guest.getState().conversation.link;
    const ufragBefore = await guestPeer.remoteUfrag();
    const offer = await guestPeer.restartOffer();
    const { answer } = await guest.execute({ channel: 'conversation:offer', payload: { offer, iceRestart: true } });
    await guestPeer.acceptAnswer(answer);
    await guestPeer.waitForIceConnected();
    expect(await guestPeer.remoteUfrag()).not.toBe(ufragBefore);
    expect(guest.getState().conversation.link).toEqual(feedBefore);
    await delay(500);
    const [hostFlow, guestFlow] = await Promise.all([gained(hostPeer, 1500), gained(guestPeer, 1500)]);
    expect(hostFlow.receivedAudioEnergy, 'host hears the co-host after the restart').toBeGreaterThan(AUDIBLE_ENERGY);
    expect(guestFlow.receivedAudioEnergy, 'co-host hears the host after the restart').toBeGreaterThan(AUDIBLE_ENERGY);
  });

  it('a producer joins muted, mutes and unmutes the co-host, and mutes everyone but the hosts; a co-host cannot', async () => {
    const producer = engineWith(EngineConfigSchema.parse({ space: { name: 'Producer' } }));
    extraEngines.push(producer);
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'producer', label: 'Pia', expiresInMinutes: 60 } });
    const joined = await producer.execute({ channel: 'conversation:join', payload: { display: 'Pia Producer', invite: code } });
    expect(joined.selfMuted).toBe(true);
    const cohost = (
      await until(
        producer,
        (state) => state.participants.length === 3 && state.participants.every((p) => p.role !== null),
        'producer sees the room, roles verified',
      )
    ).participants.find((p) => p.role === 'cohost');
    const hostId = producer.getState().conversation.participants.find((p) => p.role === 'host')?.id ?? '';
    if (cohost === undefined) throw new Error('the producer does not see the co-host');

    // A co-host has no moderation rights (and no room secret).
    await expect(guest.execute({ channel: 'moderation:set-muted', payload: { participantId: hostId, muted: true } })).rejects.toThrow(
      /Only the host or a producer/,
    );

    const speaking = await gained(hostPeer, 1000);
    expect(speaking.receivedAudioEnergy).toBeGreaterThan(AUDIBLE_ENERGY);
    await producer.execute({ channel: 'moderation:set-muted', payload: { participantId: cohost.id, muted: true } });
    await untilQuiet(hostPeer, speaking.receivedAudioEnergy / 50, 5000);
    // The co-host's own app knows who muted it; the producer's shows it too.
    const self = (
      await until(guest, (state) => state.participants.some((p) => p.self && p.muted), 'co-host sees itself muted')
    ).participants.find((p) => p.self);
    expect(self?.mutedBy).toBe('moderator');
    expect(producer.getState().conversation.participants.find((p) => p.id === cohost.id)?.mutedBy).toBe('moderator');
    // The co-host's app does not lift a moderator's mute by itself.
    await expect(guest.execute({ channel: 'conversation:set-muted', payload: { muted: false } })).rejects.toThrow(
      /only the host or a producer can unmute you/,
    );

    await producer.execute({ channel: 'moderation:set-muted', payload: { participantId: cohost.id, muted: false } });
    await until(guest, (state) => state.participants.some((p) => p.self && !p.muted), 'co-host unmuted');
    await delay(500);
    expect((await gained(hostPeer, 1000)).receivedAudioEnergy).toBeGreaterThan(AUDIBLE_ENERGY);

    const { muted } = await producer.execute({ channel: 'moderation:mute-all', payload: {} });
    expect(muted).toBe(1);
    const afterAll = await until(
      host,
      (state) => state.participants.some((p) => p.role === 'cohost' && p.muted),
      'co-host muted by mute-all',
    );
    expect(afterAll.participants.find((p) => p.role === 'host')?.muted).toBe(false);
    // The host (still unmuted) is heard by the co-host.
    await delay(300);
    expect((await gained(guestPeer, 1000)).receivedAudioEnergy).toBeGreaterThan(AUDIBLE_ENERGY);
    await producer.execute({ channel: 'moderation:set-muted', payload: { participantId: cohost.id, muted: false } });

    await producer.execute({ channel: 'conversation:leave', payload: {} });
    await until(host, (state) => state.participants.length === 2, 'producer gone');
  });

  it('revoking with "remove participants" takes the co-host out of the room', async () => {
    const cohost = host.getState().conversation.participants.find((p) => p.role === 'cohost');
    expect(cohost?.inviteId).toBeTruthy();
    const { removed } = await host.execute({
      channel: 'invites:revoke',
      payload: { id: cohost?.inviteId ?? '', removeParticipants: true },
    });
    expect(removed).toBe(1);
    const gone = await until(guest, (state) => state.link.status === 'failed', 'guest removed');
    expect(gone.link.status === 'failed' ? gone.link.reason : '').toMatch(/removed from the room/i);
    await until(host, (state) => state.participants.length === 1, 'host alone in the room');
  });
});
