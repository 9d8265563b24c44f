import { describe, expect, it } from 'vitest';
import { RoomProvisioning, type RoomServer } from '../../../../electron/engine/conversation/room-provisioning';
import type { RoomTarget } from '../../../../electron/engine/conversation/room-target';
import type { EngineConfig } from '../../../../electron/engine/config';
import type { CreateRoomRequest } from '../../../../electron/engine/janus/audiobridge-room';
import { createLogger } from '../../../../electron/engine/log/logger';
import { FakeClock } from '../../../fakes/fake-clock';

const config: EngineConfig = {
  space: {
    name: 'Launch',
    primary: {
      janus: { url: 'ws://198.18.0.1:8188', room: { id: 1234, secret: 'room-secret', pin: '42' } },
      icecast: { mountUrl: 'http://198.18.0.1:8000/live.opus' },
    },
    backup: {
      janus: { url: 'ws://198.18.0.2:8188', adminKey: 'admin', room: { id: 1234, secret: 'room-secret' } },
      icecast: { mountUrl: 'http://198.18.0.2:8000/live.opus' },
    },
  },
};

/** Both endpoints' servers: rooms with their allowed lists; one can be made to fail. */
class FakeServers {
  readonly rooms = new Map<string, { audio: Set<string>; channel: Set<string> }>();
  readonly down = new Set<string>();
  readonly requests: CreateRoomRequest[] = [];

  open<T>(target: RoomTarget, run: (server: RoomServer) => Promise<T>): Promise<T> {
    if (this.down.has(target.endpoint)) return Promise.reject(new Error(`${target.endpoint} Janus does not answer`));
    const key = target.endpoint;
    const server: RoomServer = {
      createRoom: (request) => {
        this.requests.push(request);
        const existing = this.rooms.get(key);
        if (existing !== undefined) {
          for (const token of request.allowed ?? []) existing.audio.add(token);
          return Promise.resolve(false);
        }
        this.rooms.set(key, { audio: new Set(request.allowed), channel: new Set() });
        return Promise.resolve(true);
      },
      createChannelRoom: (request) => {
        const room = this.rooms.get(key) ?? { audio: new Set<string>(), channel: new Set<string>() };
        for (const token of request.allowed ?? []) room.channel.add(token);
        this.rooms.set(key, room);
        return Promise.resolve();
      },
      allowTokens: (_id, _secret, action, tokens) => this.edit(key, 'audio', action, tokens),
      allowChannelTokens: (_id, _secret, action, tokens) => this.edit(key, 'channel', action, tokens),
    };
    return run(server);
  }

  private edit(key: string, list: 'audio' | 'channel', action: 'add' | 'remove', tokens: readonly string[]): Promise<void> {
    const room = this.rooms.get(key);
    if (room === undefined) return Promise.reject(new Error('No such room'));
    for (const token of tokens) {
      if (action === 'add') room[list].add(token);
      else room[list].delete(token);
    }
    return Promise.resolve();
  }
}

function setup(tokens: string[] = ['invite-a']) {
  const clock = new FakeClock();
  const servers = new FakeServers();
  const statuses: string[] = [];
  const provisioning: RoomProvisioning = new RoomProvisioning({
    config,
    clock,
    logger: createLogger('provisioning-test'),
    hostToken: 'host-t',
    allowedTokens: () => ['host-t', ...tokens],
    openServer: (target, run) => servers.open(target, run),
    onChange: () => statuses.push(provisioning.backupRoom.status),
  });
  return { clock, servers, provisioning, statuses };
}

describe('room provisioning', () => {
  it("creates both endpoints' rooms and channels with the host and invite tokens, then finds them on a second run", async () => {
    const { servers, provisioning, statuses } = setup();
    expect(await provisioning.provision()).toEqual([
      { endpoint: 'primary', room: '1234', created: true },
      { endpoint: 'backup', room: '1234', created: true },
    ]);
    expect([...(servers.rooms.get('primary')?.audio ?? [])]).toEqual(['host-t', 'invite-a']);
    expect([...(servers.rooms.get('backup')?.channel ?? [])]).toEqual(['host-t', 'invite-a']);
    expect(servers.requests[0]).toMatchObject({ room: 1234, secret: 'room-secret', pin: '42', description: 'Launch' });
    expect(servers.requests[1]).toMatchObject({ adminKey: 'admin' });
    expect(statuses).toEqual(['preparing', 'ready']);
    expect((await provisioning.provision()).map((result) => result.created)).toEqual([false, false]);
  });

  it('a backup that cannot be prepared shows failed with what to do, and prepareBackup never throws', async () => {
    const { servers, provisioning, clock } = setup();
    servers.down.add('backup');
    await expect(provisioning.provision()).rejects.toThrow('backup Janus does not answer');
    expect(provisioning.backupRoom).toEqual({
      status: 'failed',
      at: clock.now(),
      reason: 'The backup room could not be prepared: backup Janus does not answer',
    });
    await provisioning.prepareBackup();
    expect(provisioning.backupRoom.status === 'failed' && provisioning.backupRoom.reason).toMatch(
      /check the backup Janus, then prepare it again\.$/,
    );
    servers.down.delete('backup');
    await provisioning.prepareBackup();
    expect(provisioning.backupRoom.status).toBe('ready');
  });

  it('adds and removes invite tokens in the audio rooms and the channels of both endpoints', async () => {
    const { servers, provisioning } = setup([]);
    await provisioning.provision();
    await provisioning.updateAllowed('add', ['new-invite']);
    expect(servers.rooms.get('backup')?.audio.has('new-invite')).toBe(true);
    expect(servers.rooms.get('primary')?.channel.has('new-invite')).toBe(true);
    await provisioning.updateAllowed('remove', ['new-invite']);
    for (const endpoint of ['primary', 'backup']) {
      expect(servers.rooms.get(endpoint)?.audio.has('new-invite')).toBe(false);
      expect(servers.rooms.get(endpoint)?.channel.has('new-invite')).toBe(false);
    }
  });

  it('a room it cannot reach fails the update with every endpoint named and what to do', async () => {
    const { servers, provisioning } = setup([]);
    await provisioning.provision();
    servers.down.add('primary');
    await expect(provisioning.updateAllowed('remove', ['t'])).rejects.toThrow(
      'Could not remove the invite in every room (primary: primary Janus does not answer). Check that the Janus servers are reachable, then try again.',
    );
  });
});
