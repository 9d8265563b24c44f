import { describe, expect, inject, it } from 'vitest';
import { systemClock } from '../../electron/engine/clock';
import { EngineConfigSchema } from '../../electron/engine/config';
import { dispatchUntrusted } from '../../electron/engine/dispatch';
import { Engine } from '../../electron/engine/engine';
import { createNetworkProber } from '../../electron/engine/servers/prober';
import { NetworkPreflightSchema, type PreflightServerLine } from '../../electron/shared/preflight';
import { freePort } from '../env/network';

/*
 * Preflight's network lines through the engine's one door (dispatchUntrusted: zod on the way in),
 * against the real Janus and Icecast of the test environment for the primary and a port nobody
 * listens on for the backup.
 */

const servers = inject('servers');

async function engineWithDeadBackup(): Promise<{ engine: Engine; deadPort: number }> {
  const deadPort = await freePort();
  const engine = new Engine({
    version: 'test',
    mode: 'headless',
    bridgeKind: 'websocket',
    config: EngineConfigSchema.parse({
      space: {
        name: 'Preflight',
        primary: {
          janus: { url: servers.janus.wsUrl },
          icecast: {
            mountUrl: `http://source:${servers.icecast.sourcePassword}@${servers.icecast.host}:${servers.icecast.port}/preflight.opus`,
          },
        },
        backup: {
          janus: { url: `ws://127.0.0.1:${deadPort}` },
          icecast: { mountUrl: `http://source:secret-password@127.0.0.1:${deadPort}/preflight.opus` },
        },
      },
    }),
    clock: systemClock,
    prober: createNetworkProber({ clock: systemClock, timeoutMs: 3000 }),
  });
  return { engine, deadPort };
}

describe('preflight:network against real servers', () => {
  it('passes the live primary with a median round trip and fails the dead backup with what to do', async () => {
    const { engine, deadPort } = await engineWithDeadBackup();
    const reply = await dispatchUntrusted(engine, 'preflight:network', { probes: 3 });
    if (!reply.ok) throw new Error(reply.error.message);
    const result = NetworkPreflightSchema.parse(reply.result);
    const line = (endpoint: string, kind: string): PreflightServerLine | undefined =>
      result.lines.find((candidate) => candidate.endpoint === endpoint && candidate.kind === kind);

    expect(result.lines).toHaveLength(4);
    for (const kind of ['janus', 'icecast']) {
      const primary = line('primary', kind);
      expect(primary, `primary ${kind}`).toMatchObject({ verdict: 'pass', answered: 3, probes: 3 });
      expect(primary?.roundTripMs).toBeGreaterThan(0);
      const backup = line('backup', kind);
      expect(backup, `backup ${kind}`).toMatchObject({ verdict: 'fail', answered: 0, probes: 3, roundTripMs: null, serverVersion: null });
      expect(backup?.detail).toMatch(/did not answer/);
      expect(backup?.detail).toMatch(/Check/);
    }
    expect(line('primary', 'janus')?.serverVersion).toMatch(/1\.1/);
    expect(line('primary', 'icecast')?.serverVersion).toMatch(/^Icecast 2\.4/);
    // Redacted: no password reaches the UI.
    expect(JSON.stringify(result)).not.toContain(servers.icecast.sourcePassword);
    expect(JSON.stringify(result)).not.toContain('secret-password');
    expect(line('backup', 'icecast')?.url).toContain(`127.0.0.1:${deadPort}`);
  });

  it('refuses a bad probe count with a message naming the field', async () => {
    const { engine } = await engineWithDeadBackup();
    const reply = await dispatchUntrusted(engine, 'preflight:network', { probes: 50 });
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe('invalid-payload');
      expect(reply.error.message).toMatch(/preflight:network/);
      expect(reply.error.message).toMatch(/probes/);
    }
  });
});
