import { randomBytes, randomInt } from 'node:crypto';
import Janode, { type JanodeConnection, type JanodeSession } from 'janode';
import AudioBridgePlugin, { type AudioBridgeHandle, type RoomId } from 'janode/plugins/audiobridge';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { launchChromium, PeerPage, startPeerPageServer, type PeerPageServer, type RtpCounters } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { delay } from '../env/process';

const servers = inject('servers');

/**
 * totalAudioEnergy gained over the 2 s window that counts as sound: measured here, speech gives
 * ~1 and digital silence ~1e-9 (Janus still sends RTP for a silent mix).
 */
const AUDIBLE_ENERGY = 0.01;

/** One participant: a Chromium page and its own Janus session and AudioBridge handle. */
interface Participant {
  readonly peer: PeerPage;
  readonly session: JanodeSession;
  readonly handle: AudioBridgeHandle;
  readonly feed: RoomId;
  readonly webrtcUp: Promise<void>;
}

describe('AudioBridge over real WebRTC (headless Chromium ↔ Janus)', () => {
  const room = randomInt(1_000_000, 2_000_000_000);
  const secret = randomBytes(8).toString('hex');
  let connection: JanodeConnection | undefined;
  let adminSession: JanodeSession | undefined;
  let admin: AudioBridgeHandle | undefined;
  let browser: Browser | undefined;
  let pageServer: PeerPageServer | undefined;
  const participants: Participant[] = [];

  beforeAll(async () => {
    Janode.Logger.setLevel('error');
    const { speechWav } = await ensureFixtures();
    [connection, browser, pageServer] = await Promise.all([
      Janode.connect({ address: { url: servers.janus.wsUrl }, max_retries: 1, retry_time_secs: 1 }),
      launchChromium(speechWav),
      startPeerPageServer(),
    ]);
    adminSession = await connection.create();
    admin = await adminSession.attach<AudioBridgeHandle>(AudioBridgePlugin);
    await admin.create({ room, secret, description: 'steadycast integration', sampling_rate: 48_000, talking_events: true });
  });

  afterAll(async () => {
    for (const participant of participants) {
      await participant.handle.leave().catch(() => undefined);
      await participant.peer.close().catch(() => undefined);
      await participant.handle.detach().catch(() => undefined);
      await participant.session.destroy().catch(() => undefined);
    }
    await admin?.destroy({ room, secret }).catch(() => undefined);
    await admin?.detach().catch(() => undefined);
    await adminSession?.destroy().catch(() => undefined);
    await connection?.close().catch(() => undefined);
    await browser?.close();
    await pageServer?.close();
  });

  /** Opens a page, joins the room with its offer, applies Janus's answer. */
  async function join(display: string): Promise<Participant> {
    if (!connection || !browser || !pageServer) throw new Error('beforeAll did not finish');
    const [peer, session] = await Promise.all([PeerPage.open(browser, pageServer), connection.create()]);
    const handle = await session.attach<AudioBridgeHandle>(AudioBridgePlugin);
    const webrtcUp = new Promise<void>((resolve) => handle.once(Janode.EVENT.HANDLE_WEBRTCUP ?? 'handle_webrtcup', () => resolve()));
    const [offer, joined] = await Promise.all([peer.createOffer(), handle.join({ room, display })]);
    // The offer already holds every candidate (the page waited for gathering): tell Janus no trickle follows.
    const { jsep: answer } = await handle.configure({ muted: false, jsep: { ...offer, trickle: false } });
    if (answer?.type !== 'answer') throw new Error(`Janus sent no SDP answer (got ${JSON.stringify(answer)})`);
    await peer.acceptAnswer({ type: 'answer', sdp: answer.sdp });
    const participant = { peer, session, handle, feed: joined.feed, webrtcUp };
    participants.push(participant);
    return participant;
  }

  it('connects ICE, and audio RTP flows both ways through the mixer', async () => {
    const host = await join('host');
    const guest = await join('guest');

    await Promise.all([host.peer.waitForIceConnected(), guest.peer.waitForIceConnected()]);
    // DTLS follows ICE within milliseconds; Janus then reports the PeerConnection up.
    await Promise.race([
      Promise.all([host.webrtcUp, guest.webrtcUp]),
      delay(5_000).then(() => Promise.reject(new Error('Janus sent no webrtcup within 5 s of ICE connecting'))),
    ]);

    if (!admin) throw new Error('beforeAll did not finish');
    const { participants: listed } = await admin.listParticipants({ room, secret });
    expect(listed.map((p) => p.feed).sort()).toEqual([host.feed, guest.feed].sort());
    expect(listed.every((p) => p.setup === true)).toBe(true);

    const before = await Promise.all([host.peer.rtp(), guest.peer.rtp()]);
    await delay(2_000);
    const after = await Promise.all([host.peer.rtp(), guest.peer.rtp()]);

    for (const [index, name] of ['host', 'guest'].entries()) {
      const start = before[index] as RtpCounters;
      const end = after[index] as RtpCounters;
      const context = `${name} via ${end.selectedPair}, from ${JSON.stringify(start)} to ${JSON.stringify(end)}`;
      // 20 ms Opus frames: ~100 packets in 2 s each way; allow for start-up and jitter.
      expect(end.packetsSent - start.packetsSent, `${context}: packets sent`).toBeGreaterThan(50);
      expect(end.packetsReceived - start.packetsReceived, `${context}: packets received`).toBeGreaterThan(50);
      // The fake microphone plays speech, and each hears the other's speech in the mix, not silence.
      expect(end.sentAudioEnergy - start.sentAudioEnergy, `${context}: microphone energy`).toBeGreaterThan(AUDIBLE_ENERGY);
      expect(end.receivedAudioEnergy - start.receivedAudioEnergy, `${context}: received energy`).toBeGreaterThan(AUDIBLE_ENERGY);
    }
  });
});
