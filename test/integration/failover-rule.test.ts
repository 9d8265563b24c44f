import { randomBytes, randomInt } from 'node:crypto';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { EngineConfigSchema } from '../../electron/engine/config';
import { engineWith } from '../support/integration/conversation-support';

/*
 * Every app applies the same failover rule: the host's space file sets it, the invites carry it,
 * and a co-host's app that joins with one moves on the host's threshold, not its own default.
 * (The moves themselves run against killed servers in failover*.test.ts.)
 */

const servers = inject('servers');

describe('the failover rule travels with the invite (real Janus)', () => {
  const room = randomInt(1_000_000, 2_000_000_000);
  const mount = (name: string) =>
    `http://source:${servers.icecast.sourcePassword}@${servers.icecast.host}:${servers.icecast.port}/${name}-${room}.opus`;
  const host = engineWith(
    EngineConfigSchema.parse({
      space: {
        name: 'Rule drill',
        primary: {
          janus: { url: servers.janus.wsUrl, room: { id: room, secret: randomBytes(12).toString('hex') } },
          icecast: { mountUrl: mount('primary') },
        },
        backup: {
          janus: { url: servers.janus.wsUrl, room: { id: room + 1, secret: randomBytes(12).toString('hex') } },
          icecast: { mountUrl: mount('backup') },
        },
        failover: { thresholdMs: 4500, goneThresholdMs: 2000 },
      },
    }),
  );
  const guest = engineWith(EngineConfigSchema.parse({ space: { name: 'Guest' } }));

  afterAll(async () => {
    for (const engine of [guest, host]) await engine.leaveConversation().catch(() => undefined);
  });

  it('a co-host joining with an invite moves on the host’s threshold, and on its own again after leaving', async () => {
    expect(host.getState().failover?.settings).toMatchObject({ thresholdMs: 4500, goneThresholdMs: 2000, autoReturn: false });
    await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
    const { code } = await host.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 30 } });

    expect(guest.getState().failover?.settings.thresholdMs).toBe(3000);
    await guest.execute({ channel: 'conversation:join', payload: { display: 'Cole Cohost', invite: code } });
    expect(guest.getState().failover?.settings).toEqual(host.getState().failover?.settings);
    expect(guest.getState().failover?.history.at(-1)?.message).toMatch(
      /failover rule from the invite: move after 4\.5 s down \(2 s when the server is gone\)/,
    );

    await guest.execute({ channel: 'conversation:leave', payload: {} });
    expect(guest.getState().failover?.settings.thresholdMs).toBe(3000);
  });
});
