import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_ID } from '../../../electron/main/app-id';
import { DEEP_LINK_SCHEME } from '../../../electron/main/deep-link';
import { checkIcons, LINUX_SIZES } from '../../../scripts/make-icons.mjs';

/*
 * The electron-builder configuration, checked the way electron-builder itself checks it before a
 * build (app-builder-lib's config loader and its JSON-schema validation: no Electron download, no
 * build), plus what Steadycast needs of it: every platform's target, the microphone on macOS
 * (usage description, hardened runtime, audio-input entitlement), the invite link scheme, and
 * icons that exist at the sizes the platforms read. test/integration/package-dir.test.ts packs the
 * built app for real with electron-builder --dir.
 */

const root = join(import.meta.dirname, '..', '..', '..');
const require = createRequire(import.meta.url);

interface BuilderConfig {
  appId?: string;
  productName?: string;
  files?: { filter?: string[] }[];
  protocols?: { schemes: string[] }[];
  linux?: { target?: string[]; icon?: string; executableName?: string };
  mac?: {
    target?: string;
    icon?: string;
    hardenedRuntime?: boolean;
    entitlements?: string;
    entitlementsInherit?: string;
    extendInfo?: Record<string, string>;
  };
  win?: { target?: string; icon?: string };
  npmRebuild?: boolean;
  electronFuses?: Record<string, boolean>;
}
type ConfigModule = {
  getConfig: (projectDir: string, configPath: string | null, configFromOptions: unknown) => Promise<BuilderConfig>;
  validateConfiguration: (config: unknown, debugLogger: unknown) => Promise<void>;
};
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as ConfigModule;
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

type FusesModule = {
  FuseV1Options: Record<string, number>;
  flipFuses: (binary: string, config: unknown) => Promise<number>;
  getCurrentFuseWire: (binary: string) => Promise<Record<string, number | string>>;
};
const fuses = require('@electron/fuses') as FusesModule;
const { SENTINEL, FuseState } = require('@electron/fuses/dist/constants.js') as {
  SENTINEL: string;
  FuseState: { ENABLE: number; DISABLE: number };
};
const { PlatformPackager } = require('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig: (fuses: Record<string, boolean>) => Promise<unknown> } };
};

const load = (): Promise<BuilderConfig> => getConfig(root, join(root, 'electron-builder.yml'), null);

/** Width and height from a PNG's IHDR chunk. */
function pngSize(path: string): [number, number] {
  const bytes = readFileSync(path);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)];
}

describe('electron-builder configuration', () => {
  // The first validation loads and compiles electron-builder's schema (seconds on a busy machine).
  it('passes electron-builder’s own schema validation', async () => {
    const config = await load();
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  }, 60_000);

  it('is a real check: a misplaced option fails it', async () => {
    const config = { ...(await load()), mac: { ...(await load()).mac, nsisOption: true } };
    await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/configuration\.mac/);
  }, 60_000);

  it('builds AppImage and deb, a dmg and an NSIS installer, with the app’s id and name', async () => {
    const config = await load();
    // The app sets the same id on Windows, so its notifications belong to the installed shortcut.
    expect(config.appId).toBe(APP_ID);
    expect(config.productName).toBe('Steadycast');
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.linux?.executableName).toBe('steadycast');
    expect(config.mac?.target).toBe('dmg');
    expect(config.win?.target).toBe('nsis');
    // No native module to rebuild: packaging needs no Electron headers download.
    expect(config.npmRebuild).toBe(false);
  });

  it('asks for the microphone on macOS under the hardened runtime', async () => {
    const { mac } = await load();
    expect(mac?.hardenedRuntime).toBe(true);
    expect(mac?.extendInfo?.['NSMicrophoneUsageDescription']).toMatch(/microphone/);
    expect(mac?.entitlementsInherit).toBe(mac?.entitlements);
    const entitlements = readFileSync(join(root, mac?.entitlements ?? 'missing'), 'utf8');
    const granted = [...entitlements.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((match) => match[1]);
    expect(granted.sort()).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.device.audio-input']);
  });

  it('registers the scheme the app handles for invite links', async () => {
    expect((await load()).protocols).toEqual([expect.objectContaining({ schemes: [DEEP_LINK_SCHEME] })]);
  });

  it('packs the assets the main process reads at run time', async () => {
    const filters = (await load()).files?.flatMap((set) => set.filter ?? []) ?? [];
    expect(filters).toEqual(expect.arrayContaining(['out/**', 'assets/tray/**', 'assets/icons/512x512.png']));
  });
});

describe('Electron fuses', () => {
  /** A stand-in Electron binary: a fuse wire (version 1, 8 fuses) in Electron 45's default states. */
  const standIn = (): { path: string; remove: () => void } => {
    const dir = mkdtempSync(join(tmpdir(), 'steadycast-fuses-'));
    const path = join(dir, 'electron');
    const { ENABLE, DISABLE } = FuseState;
    const defaults = [ENABLE, DISABLE, ENABLE, ENABLE, DISABLE, DISABLE, DISABLE, ENABLE];
    writeFileSync(
      path,
      Buffer.concat([Buffer.from('ELF…'), Buffer.from(SENTINEL), Buffer.from([1, defaults.length, ...defaults]), Buffer.from('…rest')]),
    );
    return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
  };

  it('names every hardening fuse in electron-builder.yml', async () => {
    expect((await load()).electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      loadBrowserProcessSpecificV8Snapshot: false,
    });
  });

  it('flips them in the binary the way electron-builder does before signing', async () => {
    const binary = standIn();
    try {
      const settings = (await load()).electronFuses ?? {};
      // electron-builder's own translation of the yml into @electron/fuses' config, then its flip.
      await fuses.flipFuses(binary.path, await PlatformPackager.prototype.generateFuseConfig(settings));
      const wire = await fuses.getCurrentFuseWire(binary.path);
      const state = (name: string): number | string | undefined => wire[String(fuses.FuseV1Options[name])];
      const { ENABLE, DISABLE } = FuseState;
      expect(state('RunAsNode')).toBe(DISABLE);
      expect(state('EnableNodeOptionsEnvironmentVariable')).toBe(DISABLE);
      expect(state('EnableNodeCliInspectArguments')).toBe(DISABLE);
      expect(state('EnableEmbeddedAsarIntegrityValidation')).toBe(ENABLE);
      expect(state('OnlyLoadAppFromAsar')).toBe(ENABLE);
      expect(state('EnableCookieEncryption')).toBe(ENABLE);
    } finally {
      binary.remove();
    }
  });
});

describe('icons', () => {
  it('exist for every platform (npm run icons made them from assets/icon.svg)', () => {
    expect(checkIcons()).toEqual([]);
  });

  it('are the sizes Linux reads from the icon folder, and the tray’s 1x and 2x', async () => {
    const folder = (await load()).linux?.icon ?? 'missing';
    for (const size of LINUX_SIZES) expect(pngSize(join(root, folder, `${size}x${size}.png`))).toEqual([size, size]);
    for (const name of ['tray', 'tray-live']) {
      expect(pngSize(join(root, 'assets', 'tray', `${name}.png`))).toEqual([16, 16]);
      expect(pngSize(join(root, 'assets', 'tray', `${name}@2x.png`))).toEqual([32, 32]);
    }
  });

  it('has a Windows .ico with a 256 px image and a macOS .icns', async () => {
    const config = await load();
    const ico = readFileSync(join(root, config.win?.icon ?? 'missing'));
    expect(ico.readUInt16LE(2)).toBe(1); // type: icon
    const count = ico.readUInt16LE(4);
    const widths = Array.from({ length: count }, (_, index) => ico.readUInt8(6 + index * 16) || 256);
    expect(widths).toEqual(expect.arrayContaining([16, 32, 48, 256]));
    const icns = readFileSync(join(root, config.mac?.icon ?? 'missing'));
    expect(icns.subarray(0, 4).toString('latin1')).toBe('icns');
    expect(icns.readUInt32BE(4)).toBe(icns.length);
  });
});
