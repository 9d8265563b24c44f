import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { EngineConfigSchema } from '../../electron/engine/config';
import type { Engine } from '../../electron/engine/engine';
import type { ConversationState } from '../../electron/shared/conversation';
import { engineWith, until } from '../support/integration/conversation-support';

/*
 * What a host sees while joining against a real Janus: the steps of the join in order, and the
 * backup room prepared beside it — ready on a Janus that answers, failed (with what to do) on one
 * that does not, and prepared again on request.
 */

const servers = inject('servers');

/** A loopback port nothing listens on (bound, then closed). */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function hostConfig(backupJanusUrl: string) {
  const room = randomInt(1_000_000, 2_000_000_000);
  const secret = randomBytes(12).toString('hex');
  const mount = (name: string) =>
    `http://source:${servers.icecast.sourcePassword}@${servers.icecast.host}:${servers.icecast.port}/${name}-${room}.opus`;
  return EngineConfigSchema.parse({
    space: {
      name: 'Progress drill',
      primary: { janus: { url: servers.janus.wsUrl, room: { id: room, secret } }, icecast: { mountUrl: mount('primary') } },
      // The backup room is another room (on the same Janus here, or on a dead one).
      backup: { janus: { url: backupJanusUrl, room: { id: room + 1, secret } }, icecast: { mountUrl: mount('backup') } },
    },
  });
}

/** Every conversation state `engine` publishes from now on. */
function record(engine: Engine): ConversationState[] {
  const states: ConversationState[] = [];
  engine.subscribe((event) => {
    if (event.channel === 'engine:state') states.push(event.payload.conversation);
  });
  return states;
}

describe('joining as host: progress and the backup room (real Janus)', () => {
  const engines: Engine[] = [];
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.leaveConversation().catch(() => undefined);
  });

  it('shows the join step by step, then the backup room prepared beside it', async () => {
    const host = engineWith(hostConfig(servers.janus.wsUrl));
    engines.push(host);
    const states = record(host);
    await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
    const steps = states.flatMap((state) => (state.link.status === 'connecting' ? [state.link.step] : []));
    expect([...new Set(steps)]).toEqual(['server', 'room', 'seat']);
    const connecting = states.find((state) => state.link.status === 'connecting')?.link;
    expect(connecting).toMatchObject({ steps: ['server', 'room', 'seat'] });
    const ready = await until(host, (state) => state.backupRoom.status === 'ready', 'the backup room ready');
    expect(ready.link.status).toBe('joined');
    expect(states.map((state) => state.backupRoom.status)).toContain('preparing');
    // It is a real room: preparing it again finds it.
    const { rooms } = await host.execute({ channel: 'space:provision', payload: {} });
    expect(rooms).toEqual([
      { endpoint: 'primary', room: expect.any(String) as unknown, created: false },
      { endpoint: 'backup', room: expect.any(String) as unknown, created: false },
    ]);
  });

  it('a backup Janus that does not answer: the host is in the room, the backup room failed with what to do, and preparing again says so', async () => {
    const host = engineWith(hostConfig(`ws://127.0.0.1:${await deadPort()}`));
    engines.push(host);
    const joined = await host.execute({ channel: 'conversation:join', payload: { display: 'Hana Host' } });
    expect(joined.link.status).toBe('joined');
    const failed = await until(host, (state) => state.backupRoom.status === 'failed', 'the backup room failed', 20_000);
    expect(failed.backupRoom.status === 'failed' && failed.backupRoom.reason).toMatch(
      /backup room could not be prepared.*check the backup Janus/s,
    );
    await expect(host.execute({ channel: 'space:provision', payload: {} })).rejects.toThrow();
    expect(host.getState().conversation.backupRoom.status).toBe('failed');
  });
});
