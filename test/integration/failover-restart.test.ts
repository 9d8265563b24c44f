import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineConfigSchema } from '../../electron/engine/config';
import type { Engine } from '../../electron/engine/engine';
import type { ConversationLink } from '../../electron/shared/conversation';
import { launchChromium, startPeerPageServer, type PeerPageServer } from '../env/browser';
import { ensureFixtures } from '../env/fixtures';
import { startSpaceServers, type SpaceServers } from '../env/space-servers';
import { failoverEngine, Participant, plainErrors, until, wireSpaceChannel } from '../support/integration/failover-support';

/*
 * The primary Janus process dies, against real servers with no proxy in the way (the apps talk to
 * Janus directly, as in production): primary Janus + Icecast on 198.18.0.1, backup pair on
 * 198.18.0.2 (test/env/space-servers.ts), real engines for a host and a co-host, real Chromium
 * pages for their media (following their engine as the control room does).
 *  - Janus restarted at once (within the reclaim window): it forgot the session and the room, so the
 *    claim fails; each app joins the room again by itself, its page negotiates with a fresh offer,
 *    and the two hear each other again. No backup in this space, so the rejoin is all there is.
 *  - Janus killed and left dead: every reconnection is refused, the unambiguous "server gone"
 *    signal, so the apps move after the shorter confirmation (1.5 s), not the 3 s rule.
 */

let space: SpaceServers;
let browser: Browser;
let pageServer: PeerPageServer;
const participants: Participant[] = [];
let unwire: () => void = () => undefined;

/** Every link status an engine publishes, in order (repeats folded), for "which states, in which order". */
function watchLink(engine: Engine): { stop(): ConversationLink['status'][] } {
  const seen: ConversationLink['status'][] = [];
  const note = (status: ConversationLink['status']): void => {
    if (seen.at(-1) !== status) seen.push(status);
  };
  note(engine.getState().conversation.link.status);
  // Every state the engine publishes: a Janus back within 100 ms makes `reconnecting` too short for polling.
  const unsubscribe = engine.subscribe((event) => {
    if (event.channel === 'engine:state') note(event.payload.conversation.link.status);
  });
  return {
    stop() {
      unsubscribe();
      return seen;
    },
  };
}

/** Our feed id in the room now (null while not joined). */
function selfIdOf(engine: Engine): string | null {
  const link = engine.getState().conversation.link;
  return link.status === 'joined' ? link.selfId : null;
}

/** A host and a co-host (by invite) in the space `config` describes, hearing each other on the primary. */
async function hostAndGuest(config: ReturnType<SpaceServers['config']>): Promise<{ host: Participant; guest: Participant }> {
  const host = new Participant('Hana Host', failoverEngine(config), browser, pageServer);
  participants.push(host);
  await host.engine.execute({ channel: 'space:provision', payload: {} });
  await host.join();
  const { code } = await host.engine.execute({
    channel: 'invites:create',
    payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 60 },
  });
  const guest = new Participant('Cole Cohost', failoverEngine(EngineConfigSchema.parse({ space: { name: 'Guest' } })), browser, pageServer);
  participants.push(guest);
  await guest.join(code);
  unwire = wireSpaceChannel([host.engine, guest.engine]);
  await Promise.all([host.hearsOn('primary', 15_000), guest.hearsOn('primary', 15_000)]);
  return { host, guest };
}

async function leaveAll(): Promise<void> {
  unwire();
  for (const participant of participants.splice(0).reverse()) await participant.leave().catch(() => undefined);
}

beforeAll(async () => {
  const { speechWav } = await ensureFixtures();
  space = await startSpaceServers();
  [browser, pageServer] = await Promise.all([launchChromium(speechWav), startPeerPageServer()]);
}, 60_000);

afterAll(async () => {
  await leaveAll();
  await browser?.close();
  await pageServer?.close();
  await space?.stop();
});

describe('the primary Janus process dies (real Janus, no proxy, real Chromium)', () => {
  it(
    'restarted within the reclaim window: both apps join the room again, the pages renegotiate, and they hear each other again',
    plainErrors(async () => {
      const full = space.config('Restart drill');
      const config = EngineConfigSchema.parse({ space: { name: full.space.name, primary: full.space.primary } });
      const { host, guest } = await hostAndGuest(config);
      const before = {
        host: selfIdOf(host.engine),
        guest: selfIdOf(guest.engine),
        hostNegotiations: host.negotiations.length,
        guestNegotiations: guest.negotiations.length,
      };
      const links = [watchLink(host.engine), watchLink(guest.engine)];

      space.kill('primary', 'janus');
      const killedAt = Date.now();
      await space.restart('primary', 'janus');
      const restartedAt = Date.now();
      const [hostHeard, guestHeard] = await Promise.all([host.hearsOn('primary', 20_000), guest.hearsOn('primary', 20_000)]);
      process.stdout.write(
        `Janus restart: back ${restartedAt - killedAt} ms after the kill; host hears the co-host ${hostHeard - killedAt} ms, co-host hears the host ${guestHeard - killedAt} ms after it\n`,
      );
      const [hostLinks = [], guestLinks = []] = links.map((link) => link.stop());

      // A new session and a new feed in the re-created room: the old session was gone, not claimed back.
      expect(selfIdOf(host.engine)).not.toBeNull();
      expect(selfIdOf(host.engine)).not.toBe(before.host);
      expect(selfIdOf(guest.engine)).not.toBe(before.guest);
      // Each page negotiated again with a fresh offer, in the new room, after Janus was back.
      for (const [participant, count] of [
        [host, before.hostNegotiations],
        [guest, before.guestNegotiations],
      ] as const) {
        expect(participant.negotiations.length, `${participant.name} negotiated again`).toBeGreaterThan(count);
        const last = participant.negotiations.at(-1);
        expect(last?.room).toBe(`primary/${selfIdOf(participant.engine)}`);
        expect(last?.connectedAt ?? 0).toBeGreaterThan(restartedAt);
      }
      // The link went from joined through `reconnecting` (and the rejoin's `connecting`) back to joined,
      // and never `failed` or `idle` (either would have dropped the page's media).
      for (const links of [hostLinks, guestLinks]) {
        expect(links[0], links.join(' → ')).toBe('joined');
        expect(links[1], links.join(' → ')).toBe('reconnecting');
        expect(links.at(-1), links.join(' → ')).toBe('joined');
        expect(
          links.filter((status) => status !== 'joined' && status !== 'reconnecting' && status !== 'connecting'),
          links.join(' → '),
        ).toEqual([]);
      }
      // Both are listed, with their roles, in the room the host's app created again.
      const seen = await until(() => {
        const list = host.engine.getState().conversation.participants;
        return list.length === 2 && list.every((participant) => participant.connected) && list;
      }, 'both listed and connected in the re-created room');
      expect(seen.map((participant) => [participant.display, participant.role]).sort()).toEqual([
        ['Cole Cohost', 'cohost'],
        ['Hana Host', 'host'],
      ]);
      await leaveAll();
    }),
    120_000,
  );

  it(
    'killed and left dead: every reconnection is refused, so both apps move to the backup after the shorter confirmation and hear each other there',
    plainErrors(async () => {
      const { host, guest } = await hostAndGuest(space.config('Crash drill'));
      space.kill('primary', 'janus');
      const killedAt = Date.now();
      const [hostHeard, guestHeard] = await Promise.all([host.hearsOn('backup', 10_000), guest.hearsOn('backup', 10_000)]);
      const moves = [host.engine, guest.engine].map((engine) =>
        engine.getState().failover?.history.find((entry) => entry.to === 'failingOver' && entry.at >= killedAt),
      );
      process.stdout.write(
        `server gone: moves decided ${moves.map((move) => (move ? move.at - killedAt : 'never')).join(' and ')} ms after the kill; heard ${hostHeard - killedAt} and ${guestHeard - killedAt} ms after it\n`,
      );
      for (const move of moves) {
        expect(move?.message).toMatch(/refused every reconnection for \d+(\.\d)? s: the server is not running/);
        // Decided on the evidence, before the 3 s rule for ambiguous outages would have.
        expect((move?.at ?? Number.POSITIVE_INFINITY) - killedAt).toBeGreaterThanOrEqual(1500);
        expect((move?.at ?? Number.POSITIVE_INFINITY) - killedAt).toBeLessThan(3000);
      }
      expect(host.engine.getState().failover?.phase).toMatchObject({ phase: 'onBackup' });
      expect(guest.engine.getState().failover?.phase).toMatchObject({ phase: 'onBackup' });
      await leaveAll();
      await space.restart('primary', 'janus');
    }),
    120_000,
  );
});
