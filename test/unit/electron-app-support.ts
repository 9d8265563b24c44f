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
