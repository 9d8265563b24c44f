import { randomBytes, randomInt } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { EngineConfigSchema } from '../../electron/engine/config';
import type { Engine } from '../../electron/engine/engine';
import { launchChromium, PeerPage, startPeerPageServer, type PeerPageServer } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { delay } from '../env/process';
import { AUDIBLE_ENERGY, connectMedia, engineWith, gained, until, untilQuiet } from '../support/integration/conversation-support';

/*
 * A window reloads (or its renderer crashes) while its engine stays in the room: the new page
 * makes a new RTCPeerConnection and offers it through the same engine. The engine hangs up the
 * old PeerConnection on the same AudioBridge handle and answers the new one: same feed, same
 * mute state, audio both ways again. Real Janus, real Chromium.
 */

const servers = inject('servers');

describe('conversation: a new page rejoins the media of a joined engine (real Janus, real Chromium)', () => {
  const room = randomInt(1_000_000, 2_000_000_000);
  const secret = randomBytes(12).toString('hex');
  let host: Engine;
  let guest: Engine;
  let browser: Browser;
  let pageServer: PeerPageServer;
  let hostPeer: PeerPage;
  let guestPeer: PeerPage;

  beforeAll(async () => {
    const { speechWav } = await ensureFixtures();
    [browser, pageServer] = await Promise.all([launchChromium(speechWav), startPeerPageServer()]);
    const config = EngineConfigSchema.parse({
      space: {
        name: 'Reload drill',
        primary: {
          janus: { url: servers.janus.wsUrl, room: { id: room, secret } },
          icecast: {
            mountUrl: `http://source:${servers.icecast.sourcePassword}@${servers.icecast.host}:${servers.icecast.port}/reload-drill.opus`,
          },
        },
      },
    });
    host = engineWith(config);
    guest = engineWith(EngineConfigSchema.parse({ space: { name: 'Guest' } }));
    [hostPeer, guestPeer] = await Promise.all([PeerPage.open(browser, pageServer), PeerPage.open(browser, pageServer)]);
    await host.execute({ channel: 'space:provision', payload: {} });
    await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
    await connectMedia(host, hostPeer);
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 60 } });
    await guest.execute({ channel: 'conversation:join', payload: { display: 'Cole Cohost', invite: code } });
    await connectMedia(guest, guestPeer);
    await until(
      host,
      (state) => state.participants.length === 2 && state.participants.every((p) => p.connected),
      'both participants connected',
    );
  });

  afterAll(async () => {
    for (const engine of [guest, host]) await engine?.leaveConversation().catch(() => undefined);
    await hostPeer?.close();
    await guestPeer?.close();
    await browser?.close();
    await pageServer?.close();
  });

  it('a new page after a renderer crash is heard and hears again on the same feed; the old connection cannot restart into it', async () => {
    const feedBefore = guest.getState().conversation.participants.find((p) => p.self)?.id;
    // A renderer crash: the old page's connection is still up (nobody closed it) when the new page offers.
    const oldPeer = guestPeer;
    guestPeer = await PeerPage.open(browser, pageServer);
    await connectMedia(guest, guestPeer);
    // The old connection cannot take the seat back with an ICE restart.
    const restart = await oldPeer.restartOffer();
    await expect(guest.execute({ channel: 'conversation:offer', payload: { offer: restart, iceRestart: true } })).rejects.toThrow(
      /Another window took over/,
    );
    await oldPeer.close();

    const state = await until(
      host,
      (s) => s.participants.length === 2 && s.participants.every((p) => p.connected),
      'co-host connected again',
    );
    expect(state.participants.find((p) => p.role === 'cohost')?.id, 'the same feed: no leave and rejoin').toBe(feedBefore);
    await delay(300);
    const [hostFlow, guestFlow] = await Promise.all([gained(hostPeer, 2000), gained(guestPeer, 2000)]);
    expect(hostFlow.receivedAudioEnergy, `host hears the reloaded co-host: ${JSON.stringify(hostFlow)}`).toBeGreaterThan(AUDIBLE_ENERGY);
    expect(guestFlow.receivedAudioEnergy, `the reloaded co-host hears the host: ${JSON.stringify(guestFlow)}`).toBeGreaterThan(
      AUDIBLE_ENERGY,
    );
  });

  it('a page that reloads while muted stays muted in the mix, and unmutes as before', async () => {
    const speaking = await gained(hostPeer, 1500);
    await guest.execute({ channel: 'conversation:set-muted', payload: { muted: true } });
    await until(host, (s) => s.participants.some((p) => p.role === 'cohost' && p.muted), 'co-host shown muted');
    await untilQuiet(hostPeer, speaking.receivedAudioEnergy / 50, 5000);

    // This time the old PeerConnection is closed by its page first (a reload sends DTLS close).
    await guestPeer.hangUp();
    await connectMedia(guest, guestPeer);
    await until(host, (s) => s.participants.some((p) => p.role === 'cohost' && p.connected), 'co-host connected again');
    expect(guest.getState().conversation.selfMuted).toBe(true);
    expect(host.getState().conversation.participants.find((p) => p.role === 'cohost')?.muted).toBe(true);
    await delay(500);
    const stillMuted = await gained(hostPeer, 1500);
    expect(stillMuted.packetsReceived, 'the host still gets the (silent) mix').toBeGreaterThan(10);
    expect(stillMuted.receivedAudioEnergy, `muted across the reload: ${JSON.stringify(stillMuted)}`).toBeLessThan(
      speaking.receivedAudioEnergy / 50,
    );
    expect((await gained(guestPeer, 1500)).receivedAudioEnergy, 'the muted co-host still hears the host').toBeGreaterThan(AUDIBLE_ENERGY);

    await guest.execute({ channel: 'conversation:set-muted', payload: { muted: false } });
    await until(host, (s) => s.participants.some((p) => p.role === 'cohost' && !p.muted), 'co-host unmuted');
    await delay(300);
    expect((await gained(hostPeer, 1500)).receivedAudioEnergy).toBeGreaterThan(AUDIBLE_ENERGY);
  });
});
