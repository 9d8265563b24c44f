import { EngineConfigSchema } from '../../electron/engine/config';
import { Engine } from '../../electron/engine/engine';
import type { DesktopAppOptions } from '../../electron/main/app';
import { FakeClock } from '../fakes/fake-clock';
import { FakeProber } from '../fakes/fake-prober';

/** Options of a desktop app under test (Linux, fake clock and prober, an installed app's paths), with `overrides`. */
export const desktopAppOptions = (overrides: Partial<DesktopAppOptions> = {}): DesktopAppOptions => ({
  version: '9.9.9',
  platform: 'linux',
  clock: new FakeClock(),
  prober: new FakeProber(),
  preloadPath: '/app/out/preload/index.cjs',
  renderer: { kind: 'file', path: '/app/out/renderer/index.html' },
  launch: { argv: ['/opt/Steadycast/steadycast'], defaultApp: false, execPath: '/opt/Steadycast/steadycast' },
  ...overrides,
});

/** A desktop engine with the default (empty) space on `clock`, as the app builds it before its settings hold servers. */
export function desktopEngine(clock: FakeClock = new FakeClock(), config: unknown = {}): Engine {
  return new Engine({
    version: '9.9.9',
    mode: 'desktop',
    bridgeKind: 'ipc',
    config: EngineConfigSchema.parse(config),
    clock,
    prober: new FakeProber(),
  });
}
