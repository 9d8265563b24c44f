import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema, type EngineConfig } from '../../electron/engine/config';
import { Engine } from '../../electron/engine/engine';
import { testIceHostAddresses } from '../env/network';
import { FakeProber } from '../fakes/fake-prober';
import { until } from '../support/integration/conversation-support';

/*
 * A co-host's app knows whether the host's show is on air: the host's engine announces it on the
 * space channel (real Janus TextRoom) when the program starts and ends, to whoever joins, and again
 * while on air; an app that stops hearing it says it does not know.
 */

const servers = inject('servers');

/** Short show timings, so "no longer heard" happens within the test. */
const showTimings = { announceEveryMs: 400, staleMs: 2000 };

function engineFor(config: EngineConfig): Engine {
  return new Engine({
    version: 'test',
    mode: 'headless',
    bridgeKind: 'websocket',
    config,
    clock: systemClock,
    prober: new FakeProber(),
    iceHostAddresses: testIceHostAddresses(),
    showTimings,
  });
}

describe('the show as a co-host sees it (real Janus, real Icecast)', () => {
  const room = randomInt(1_000_000, 2_000_000_000);
  const host = engineFor(
    EngineConfigSchema.parse({
      space: {
        name: 'Show drill',
        primary: {
          janus: { url: servers.janus.wsUrl, room: { id: room, secret: randomBytes(12).toString('hex') } },
          icecast: {
            mountUrl: `http://source:${servers.icecast.sourcePassword}@${servers.icecast.host}:${servers.icecast.port}/show-drill-${room}.opus`,
          },
        },
      },
    }),
  );
  const cohost = engineFor(EngineConfigSchema.parse({ space: { name: 'Guest' } }));

  afterAll(async () => {
    await host.execute({ channel: 'broadcast:stop', payload: {} }).catch(() => undefined);
    for (const engine of [cohost, host]) await engine.leaveConversation().catch(() => undefined);
  });

  it('learns the show on joining, follows its end and start, and stops believing it when the host goes quiet', async () => {
    await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
    await until(host, (state) => state.channel.status === 'open', 'the host’s space channel open', 15_000);
    await host.execute({
      channel: 'broadcast:start',
      payload: { source: { kind: 'tone', frequencyHz: 440 }, channels: 1, bitrateKbps: 64, record: false },
    });
    const since = host.getState().broadcast?.startedAt;
    expect(since).toBeTypeOf('number');

    // The co-host joins after the show started: it is told at once.
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 30 } });
    await cohost.execute({ channel: 'conversation:join', payload: { display: 'Cole Cohost', invite: code } });
    const onAir = await until(cohost, (state) => state.show.status === 'on-air', 'the co-host hears the show is on air', 15_000);
    expect(onAir.show).toEqual({ status: 'on-air', since, by: 'Hana Host' });
    // The host's own engine hears itself too.
    expect(host.getState().conversation.show).toEqual({ status: 'on-air', since, by: 'Hana Host' });

    await host.execute({ channel: 'broadcast:stop', payload: {} });
    await until(cohost, (state) => state.show.status === 'off-air', 'the co-host hears the show ended', 10_000);

    await host.execute({
      channel: 'broadcast:start',
      payload: { source: { kind: 'tone', frequencyHz: 440 }, channels: 1, bitrateKbps: 64, record: false },
    });
    const again = await until(cohost, (state) => state.show.status === 'on-air', 'the co-host hears the show again', 10_000);
    expect(again.show.status === 'on-air' && again.show.since).toBe(host.getState().broadcast?.startedAt);
    // Repeated while on air: still believed well past the stale time.
    await new Promise((resolve) => setTimeout(resolve, showTimings.staleMs + 1000));
    expect(cohost.getState().conversation.show.status).toBe('on-air');

    // The host's app leaves the room (its window and engine gone, say): the co-host no longer knows.
    await host.leaveConversation();
    await until(cohost, (state) => state.show.status === 'unknown', 'the co-host stops believing a show it no longer hears of', 10_000);
  });
});
