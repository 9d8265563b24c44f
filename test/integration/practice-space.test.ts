import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema } from '../../electron/engine/config';
import { Engine } from '../../electron/engine/engine';
import { createFetchHttp } from '../../electron/engine/listeners/http';
import { createLogger } from '../../electron/engine/log/logger';
import { PracticeSpace, type PracticeSpaceOptions } from '../../electron/engine/servers/practice-space';
import { createNetworkProber } from '../../electron/engine/servers/prober';
import type { OutputStatus } from '../../electron/shared/broadcast';
import {
  insideTestNamespace,
  NAMESPACE_HOST_ADDRESS,
  NAMESPACE_INTERFACE,
  NAMESPACE_PEER_ADDRESS,
  testIceHostAddresses,
} from '../env/network';
import { delay } from '../env/process';

/*
 * The practice space with real servers: the engine starts a primary and a backup Janus + Icecast
 * from the installed packages with the generated configuration, runs that space (rooms provisioned
 * with their secrets, an invite, the program live on both Icecasts, a listener on the backup), and
 * "Simulate a failure" kills the primary's two servers: the backup keeps the program.
 */

const network: PracticeSpaceOptions['network'] = insideTestNamespace()
  ? {
      primary: { address: NAMESPACE_HOST_ADDRESS, iceInterface: NAMESPACE_INTERFACE },
      backup: { address: NAMESPACE_PEER_ADDRESS, iceInterface: 'veth1' },
    }
  : undefined;

let engine: Engine | undefined;
let dir: string | undefined;

afterEach(async () => {
  await engine?.stopBroadcast();
  await engine?.leaveConversation();
  engine?.stopListenerCounts();
  await engine?.stopPractice();
  if (dir) rmSync(dir, { recursive: true, force: true });
  engine = undefined;
  dir = undefined;
});

async function until<T>(what: string, read: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await delay(100);
  }
}

/** The first `bytes` bytes a listener of `url` receives. */
async function listen(url: string, bytes = 4096): Promise<Buffer> {
  const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
  expect(response.status).toBe(200);
  const reader = response.body?.getReader();
  if (!reader) throw new Error('no body');
  const chunks: Buffer[] = [];
  let length = 0;
  while (length < bytes) {
    const { value, done } = await reader.read();
    if (done) break;
    chunks.push(Buffer.from(value));
    length += value.length;
  }
  await reader.cancel();
  return Buffer.concat(chunks);
}

describe('the practice space', () => {
  it('starts both endpoints from the generated configuration, goes live on both, and survives a simulated failure on the backup', async () => {
    dir = mkdtempSync(join(tmpdir(), 'steadycast-practice-'));
    const practice = new PracticeSpace({
      dir: join(dir, 'practice'),
      clock: systemClock,
      logger: createLogger('practice'),
      ...(network ? { network } : {}),
    });
    expect(practice.state()).toEqual({ status: 'off' });
    engine = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({}),
      clock: systemClock,
      prober: createNetworkProber({ clock: systemClock, timeoutMs: 3000 }),
      listenerHttp: createFetchHttp(),
      practice,
      iceHostAddresses: testIceHostAddresses(),
    });
    expect(engine.getState().space.endpoints).toHaveLength(0);

    const started = await engine.execute({ channel: 'practice:start', payload: {} });
    expect(started).toMatchObject({ status: 'running', primaryStopped: false, folder: join(dir, 'practice') });
    const state = engine.getState();
    expect(state.space).toMatchObject({ name: 'Practice space', endpoints: [{ name: 'primary' }, { name: 'backup' }] });
    expect(state.practice).toEqual(started);

    // The space file: both rooms with one secret, statistics credentials, fallback mounts; owner-only.
    const spaceFile = join(dir, 'practice', 'space.json');
    expect(statSync(spaceFile).mode & 0o777).toBe(0o600);
    const { space } = EngineConfigSchema.parse(JSON.parse(readFileSync(spaceFile, 'utf8')));
    for (const endpoint of [space.primary, space.backup]) {
      expect(endpoint?.janus.room?.secret.length).toBeGreaterThanOrEqual(20);
      expect(endpoint?.janus.room).toEqual(space.primary?.janus.room);
      expect(endpoint?.icecast.statsUrl).toMatch(/^http:\/\/admin:[\w-]{20,}@/);
      expect(endpoint?.icecast.fallbackMounts).toEqual(['/live-other.opus']);
    }
    expect(space.primary?.icecast.mountUrl).not.toBe(space.backup?.icecast.mountUrl);
    expect(started.status === 'running' ? started.listenUrls : []).toEqual([
      new URL('/live.opus', space.primary?.icecast.mountUrl).toString().replace(/\/\/[^@]*@/, '//'),
      new URL('/live.opus', space.backup?.icecast.mountUrl).toString().replace(/\/\/[^@]*@/, '//'),
    ]);

    // Every server answers the engine's own check.
    engine.execute({ channel: 'servers:check', payload: {} }).catch(() => undefined);
    await until('all four servers reachable', () => {
      const endpoints = engine?.getState().space.endpoints ?? [];
      return endpoints.every((endpoint) => endpoint.janus?.probe.status === 'reachable' && endpoint.icecast?.probe.status === 'reachable')
        ? true
        : undefined;
    });

    // The rooms are provisioned with the generated secret and admin key; an invite can be made.
    await engine.execute({ channel: 'space:provision', payload: {} });
    const invite = await engine.execute({ channel: 'invites:create', payload: { role: 'cohost', label: 'Cole', expiresInMinutes: 60 } });
    expect(invite.link).toMatch(/^steadycast:\/\/join\//);

    // The program goes live on both Icecasts; a listener of the backup hears Ogg.
    await engine.execute({ channel: 'broadcast:start', payload: { source: { kind: 'tone', frequencyHz: 440 } } });
    const output = (id: string): OutputStatus | undefined => engine?.getState().broadcast?.outputs.find((candidate) => candidate.id === id);
    await until('both outputs live', () =>
      output('primary')?.state.status === 'live' && output('backup')?.state.status === 'live' ? true : undefined,
    );
    const backupUrl = started.status === 'running' ? started.listenUrls[1] : undefined;
    if (backupUrl === undefined) throw new Error('no backup listen URL');
    expect((await listen(backupUrl)).subarray(0, 4).toString('latin1')).toBe('OggS');

    // Simulate a failure: the primary's servers are gone, the backup keeps the program.
    const failed = await engine.execute({ channel: 'practice:simulate-failure', payload: {} });
    expect(failed).toMatchObject({ status: 'running', primaryStopped: true });
    await until('the primary output retrying', () => (output('primary')?.state.status === 'retrying' ? true : undefined));
    expect(output('backup')?.state.status).toBe('live');
    expect((await listen(backupUrl)).subarray(0, 4).toString('latin1')).toBe('OggS');
    await expect(
      fetch(started.status === 'running' ? (started.listenUrls[0] ?? '') : '', { signal: AbortSignal.timeout(3000) }),
    ).rejects.toThrow();

    await engine.stopBroadcast();
    await engine.stopPractice();
    expect(engine.getState().practice).toEqual({ status: 'off' });
    await expect(fetch(backupUrl, { signal: AbortSignal.timeout(3000) })).rejects.toThrow();
  });

  it('refuses to change the space on air, and says so', async () => {
    dir = mkdtempSync(join(tmpdir(), 'steadycast-practice-'));
    const practice = new PracticeSpace({
      dir: join(dir, 'practice'),
      clock: systemClock,
      logger: createLogger('practice'),
      ...(network ? { network } : {}),
    });
    engine = new Engine({
      version: 'test',
      mode: 'headless',
      bridgeKind: 'websocket',
      config: EngineConfigSchema.parse({}),
      clock: systemClock,
      prober: createNetworkProber({ clock: systemClock, timeoutMs: 3000 }),
      practice,
    });
    await engine.execute({ channel: 'practice:start', payload: {} });
    await engine.execute({ channel: 'broadcast:start', payload: { source: { kind: 'tone', frequencyHz: 440 } } });
    await expect(engine.useSpace(EngineConfigSchema.parse({ space: { name: 'Other' } }))).rejects.toThrow(
      'A show is on air: end it before changing the space.',
    );
    expect(engine.getState().space.name).toBe('Practice space');
  });
});
