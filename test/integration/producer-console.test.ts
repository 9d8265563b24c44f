import { randomBytes, randomInt } from 'node:crypto';
import Janode from 'janode';
import AudioBridgePlugin, { type AudioBridgeEventData, type AudioBridgeHandle } from 'janode/plugins/audiobridge';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EngineConfigSchema } from '../../electron/engine/config';
import type { Engine } from '../../electron/engine/engine';
import { decodeInvite } from '../../electron/engine/invites/invite-code';
import { encodeDisplayName } from '../../electron/shared/conversation';
import { launchChromium, PeerPage, startPeerPageServer, type PeerPageServer } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { delay } from '../env/process';
import { AUDIBLE_ENERGY, connectMedia, engineWith, gained, until, untilQuiet } from '../support/integration/conversation-support';

/*
 * The producer console against a real Janus: host, co-host and producer engines in one AudioBridge
 * room, each with its end of the space channel (the room's TextRoom, over werift data channels).
 * Real Chromium pages carry the host's (speech) and the co-host's (440 Hz tone) microphones.
 * A "modified client" is plain janode talking to Janus with a valid invite token.
 */

const servers = inject('servers');

describe('producer console: sticky mute, requests to speak, the space channel (real Janus, real Chromium)', () => {
  const room = randomInt(1_000_000, 2_000_000_000);
  const secret = randomBytes(12).toString('hex');
  let host: Engine;
  let cohost: Engine;
  let producer: Engine;
  let speechBrowser: Browser;
  let toneBrowser: Browser;
  let pageServer: PeerPageServer;
  let hostPeer: PeerPage;
  let cohostPeer: PeerPage;
  const rogue: { connection?: Awaited<ReturnType<typeof Janode.connect>>; handle?: AudioBridgeHandle } = {};

  beforeAll(async () => {
    const { speechWav, toneWav } = await ensureFixtures();
    [speechBrowser, toneBrowser, pageServer] = await Promise.all([
      launchChromium(speechWav),
      launchChromium(toneWav),
      startPeerPageServer(),
    ]);
    const config = EngineConfigSchema.parse({
      space: {
        name: 'Producer drill',
        primary: {
          janus: { url: servers.janus.wsUrl, room: { id: room, secret } },
          icecast: {
            mountUrl: `http://source:${servers.icecast.sourcePassword}@${servers.icecast.host}:${servers.icecast.port}/producer-drill.opus`,
          },
        },
      },
    });
    host = engineWith(config);
    cohost = engineWith(EngineConfigSchema.parse({ space: { name: 'Co-host' } }));
    producer = engineWith(EngineConfigSchema.parse({ space: { name: 'Producer' } }));
    [hostPeer, cohostPeer] = await Promise.all([
      PeerPage.open(speechBrowser, pageServer),
      PeerPage.open(toneBrowser, pageServer, { processing: false }),
    ]);
  });

  afterAll(async () => {
    await rogue.handle?.detach().catch(() => undefined);
    await rogue.connection?.close().catch(() => undefined);
    for (const engine of [producer, cohost, host]) await engine?.leaveConversation().catch(() => undefined);
    await hostPeer?.close();
    await cohostPeer?.close();
    await speechBrowser?.close();
    await toneBrowser?.close();
    await pageServer?.close();
  });

  it('host, co-host and producer each open the space channel in the room', async () => {
    await host.execute({ channel: 'space:provision', payload: {} });
    await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
    await connectMedia(host, hostPeer);
    const cohostInvite = await host.execute({
      channel: 'invites:create',
      payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 60 },
    });
    await cohost.execute({ channel: 'conversation:join', payload: { display: 'Cole Cohost', invite: cohostInvite.code } });
    await connectMedia(cohost, cohostPeer);
    const producerInvite = await host.execute({
      channel: 'invites:create',
      payload: { role: 'producer', label: 'Pia', expiresInMinutes: 60 },
    });
    await producer.execute({ channel: 'conversation:join', payload: { display: 'Pia Producer', invite: producerInvite.code } });

    for (const [engine, who] of [
      [host, 'host'],
      [cohost, 'co-host'],
      [producer, 'producer'],
    ] as const) {
      const state = await until(
        engine,
        (conversation) => conversation.channel.status === 'open' && conversation.participants.length === 3,
        `${who}'s space channel open`,
      );
      expect(state.channel.status).toBe('open');
    }
    // The co-host's tone reaches the host.
    expect((await gained(hostPeer, 1000)).receivedAudioEnergy).toBeGreaterThan(AUDIBLE_ENERGY);
  });

  it("a producer's mute locks the co-host's button with the reason; request to speak → approve → heard again", async () => {
    const target = producer.getState().conversation.participants.find((participant) => participant.role === 'cohost');
    if (target === undefined) throw new Error('the producer does not see the co-host');
    const speaking = await gained(hostPeer, 1000);
    await producer.execute({
      channel: 'moderation:set-muted',
      payload: { participantId: target.id, muted: true, reason: 'Hum on your line' },
    });
    await untilQuiet(hostPeer, speaking.receivedAudioEnergy / 50, 3000);

    // The co-host's own app shows the lock, who set it and why, and refuses to unmute by itself.
    const locked = await until(cohost, (state) => state.participants.some((p) => p.self && p.lock !== null), "co-host's app sees the lock");
    expect(locked.participants.find((p) => p.self)?.lock).toMatchObject({ by: 'Pia Producer (producer)', reason: 'Hum on your line' });
    await expect(cohost.execute({ channel: 'conversation:set-muted', payload: { muted: false } })).rejects.toThrow(/Request to speak/);
    // The host's engine (a moderator too) holds the same lock.
    await until(
      host,
      (state) => state.participants.some((p) => p.role === 'cohost' && p.lock?.reason === 'Hum on your line'),
      "host's engine sees the lock",
    );
    // A co-host can neither answer requests nor mute others.
    await expect(
      cohost.execute({ channel: 'moderation:answer-request', payload: { participantId: target.id, approve: true } }),
    ).rejects.toThrow(/Only the host or a producer/);

    await cohost.execute({ channel: 'moderation:request-speak', payload: { active: true } });
    expect(cohost.getState().conversation.moderation.selfSpeakRequested).toBe(true);
    await until(
      producer,
      (state) => state.participants.some((p) => p.id === target.id && p.speakRequested),
      'the producer sees the request',
    );
    await until(host, (state) => state.participants.some((p) => p.role === 'cohost' && p.speakRequested), 'the host sees the request');

    await producer.execute({ channel: 'moderation:answer-request', payload: { participantId: target.id, approve: true } });
    const freed = await until(
      cohost,
      (state) => state.participants.some((p) => p.self && p.lock === null && !p.muted),
      'co-host unlocked and unmuted',
    );
    expect(freed.moderation.selfSpeakRequested).toBe(false);
    expect(freed.moderation.log.some((event) => event.action === 'approve' && /approved your request/.test(event.detail))).toBe(true);
    await delay(400);
    expect((await gained(hostPeer, 1000)).receivedAudioEnergy, 'the host hears the co-host again').toBeGreaterThan(AUDIBLE_ENERGY);

    const log = producer.getState().conversation.moderation.log;
    expect(log.map((event) => [event.actor, event.action, event.target])).toEqual(
      expect.arrayContaining([
        ['Pia Producer (producer)', 'mute', 'Cole Cohost'],
        ['Cole Cohost', 'request', 'Cole Cohost'],
        ['Pia Producer (producer)', 'approve', 'Cole Cohost'],
        ['Pia Producer (producer)', 'unmute', 'Cole Cohost'],
      ]),
    );
  });

  it('a modified client that unmutes itself against the lock is muted again within 300 ms, and flagged', async () => {
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Rogue', expiresInMinutes: 60 } });
    const invite = decodeInvite(code, Date.now());
    rogue.connection = await Janode.connect({ address: { url: invite.endpoints.primary.janusUrl } });
    const session = await rogue.connection.create(5);
    const handle = await session.attach<AudioBridgeHandle>(AudioBridgePlugin);
    rogue.handle = handle;
    const joined = await handle.join({
      room,
      display: encodeDisplayName({ name: 'Rex Rogue', role: 'cohost', inviteId: invite.id }),
      token: invite.token,
      muted: false,
    });
    const feed = String(joined.feed);
    let mutedAt: number | null = null;
    for (const event of Object.values(AudioBridgePlugin.EVENT)) {
      handle.on(event, (data: AudioBridgeEventData) => {
        const self = data.participants?.find((participant) => String(participant.feed) === feed);
        if ((String(data.feed) === feed && data.muted === true) || self?.muted === true) mutedAt ??= Date.now();
      });
    }
    await until(producer, (state) => state.participants.some((p) => p.id === feed), 'the producer sees the rogue client');
    await producer.execute({ channel: 'moderation:set-muted', payload: { participantId: feed, muted: true } });
    await until(producer, (state) => state.participants.some((p) => p.id === feed && p.muted), 'rogue muted');
    await delay(300);

    mutedAt = null;
    const unmutedAt = Date.now();
    await handle.configure({ muted: false });
    const deadline = Date.now() + 3000;
    while (mutedAt === null && Date.now() < deadline) await delay(10);
    expect(mutedAt, 'Janus reported the rogue muted again').not.toBeNull();
    expect((mutedAt ?? Infinity) - unmutedAt).toBeLessThan(300);

    // The host's engine holds the room secret, so it is the one that mutes the rogue again and flags it.
    const flagged = await until(
      host,
      (state) => state.participants.some((p) => p.id === feed && p.flags.some((flag) => flag.kind === 'self-unmuted')),
      'rogue flagged',
    );
    expect(flagged.participants.find((p) => p.id === feed)?.muted).toBe(true);
    expect(
      flagged.moderation.log.some((event) => event.action === 're-mute' && event.target === 'Rex Rogue' && event.actor === 'sticky mute'),
    ).toBe(true);
    await handle.leave().catch(() => undefined);
  });

  it('mute everyone except hosts locks every non-host, and the host is still heard', async () => {
    const { muted } = await producer.execute({ channel: 'moderation:mute-all', payload: {} });
    expect(muted).toBeGreaterThanOrEqual(1);
    const cohostView = await until(
      cohost,
      (state) => state.participants.some((p) => p.self && p.lock !== null),
      'co-host locked by mute-all',
    );
    expect(cohostView.participants.find((p) => p.self)?.lock?.reason).toBe('Everyone except the hosts was muted');
    expect(cohostView.participants.find((p) => p.role === 'host')?.muted).toBe(false);
    await delay(300);
    expect((await gained(cohostPeer, 1000)).receivedAudioEnergy, 'the co-host hears the host').toBeGreaterThan(AUDIBLE_ENERGY);
    // The producer's own log has it (its engine asked the host's, which did it in the producer's name).
    expect(producer.getState().conversation.moderation.log).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: 'Pia Producer (producer)', action: 'mute-all', target: null })]),
    );
    expect(host.getState().conversation.moderation.log).toEqual(
      expect.arrayContaining([expect.objectContaining({ actor: 'Pia Producer (producer)', action: 'mute-all', target: null })]),
    );
  });
});
