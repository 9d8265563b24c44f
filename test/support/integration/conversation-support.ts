import { systemClock, type Clock } from '../../../electron/engine/clock';
import type { EngineConfig } from '../../../electron/engine/config';
import { Engine } from '../../../electron/engine/engine';
import type { ConversationState } from '../../../electron/shared/conversation';
import type { PeerPage, RtpCounters } from '../../env/browser';
import { testIceHostAddresses } from '../../env/network';
import { delay } from '../../env/process';
import { FakeProber } from '../../fakes/fake-prober';

/* Helpers shared by the conversation integration tests: engines on real Janus, pages carrying media. */

/** totalAudioEnergy gained over a window that counts as sound (speech ≈ 1; a silent mix ≈ 1e-9). */
export const AUDIBLE_ENERGY = 0.01;

/** A clock that can be moved forward (expiry); timers are the real ones. */
export function shiftedClock(): Clock & { shift(ms: number): void } {
  let offset = 0;
  return { ...systemClock, now: () => Date.now() + offset, shift: (ms) => (offset += ms) };
}

export function engineWith(config: EngineConfig, clock: Clock = systemClock): Engine {
  return new Engine({
    version: 'test',
    mode: 'headless',
    bridgeKind: 'websocket',
    config,
    clock,
    prober: new FakeProber(),
    iceHostAddresses: testIceHostAddresses(),
  });
}

/** Waits until `engine`'s conversation state satisfies `check`. */
export async function until(
  engine: Engine,
  check: (state: ConversationState) => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<ConversationState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = engine.getState().conversation;
    if (check(state)) return state;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms; conversation: ${JSON.stringify(state)}`);
    await delay(50);
  }
}

/** Connects a page's media through the engine (offer → engine → Janus → answer → page). */
export async function connectMedia(engine: Engine, peer: PeerPage): Promise<void> {
  const offer = await peer.createOffer();
  const { answer } = await engine.execute({ channel: 'conversation:offer', payload: { offer, iceRestart: false } });
  await peer.acceptAnswer(answer);
  await peer.waitForIceConnected();
}

/** RTP counters gained over `ms`. */
export async function gained(peer: PeerPage, ms: number): Promise<RtpCounters> {
  const before = await peer.rtp();
  await delay(ms);
  const after = await peer.rtp();
  return {
    packetsSent: after.packetsSent - before.packetsSent,
    packetsReceived: after.packetsReceived - before.packetsReceived,
    sentAudioEnergy: after.sentAudioEnergy - before.sentAudioEnergy,
    receivedAudioEnergy: after.receivedAudioEnergy - before.receivedAudioEnergy,
    selectedPair: after.selectedPair,
  };
}

/** Waits for a 500 ms window in which `peer` received less than `maxEnergy`; fails after `timeoutMs`. */
export async function untilQuiet(peer: PeerPage, maxEnergy: number, timeoutMs: number): Promise<RtpCounters> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const window = await gained(peer, 500);
    if (window.receivedAudioEnergy < maxEnergy) return window;
    if (Date.now() > deadline) throw new Error(`still audible after ${timeoutMs} ms: ${JSON.stringify(window)} (limit ${maxEnergy})`);
  }
}
