import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startApp, type DesktopApp, type DesktopAppOptions } from '../../../electron/main/app';
import { createSafeStorageVault, SecretsUnavailableError } from '../../../electron/main/secret-vault';
import {
  DEFAULT_SHORTCUTS,
  migrateToCurrent,
  redactedSettings,
  secretValues,
  SETTINGS_SCHEMA_VERSION,
  splitCredentials,
  type DesktopSettings,
} from '../../../electron/main/settings-schema';
import { SettingsStore } from '../../../electron/main/settings-store';
import { parseEngineConfig } from '../../../electron/engine/config';
import { createFakeElectron, FakeSafeStorage } from '../../fakes/electron';
import { FakeClock } from '../../fakes/fake-clock';
import { FakeProber } from '../../fakes/fake-prober';

/*
 * Secrets at rest: settings.json never holds a secret in a readable form (not as text, base64 or
 * hex), round-trips through the OS keychain, migrates older versions, and a damaged or unusable
 * file is kept (moved aside or left alone), never lost. The keychain is the fake safeStorage.
 */

const ROOM_SECRET = 'room-secret-Zq81';
const ROOM_PIN = 'pin-4711';
const SOURCE_PASSWORD = 'h4ckme-S0urce';
const ADMIN_PASSWORD = 'adm1n-Pa55';
const API_SECRET = 'janus-api-secret-77';
const ADMIN_KEY = 'audiobridge-admin-key-42';
const ALL_SECRETS = [ROOM_SECRET, ROOM_PIN, SOURCE_PASSWORD, ADMIN_PASSWORD, API_SECRET, ADMIN_KEY];

const spaceConfig = {
  space: {
    name: 'Launch night',
    primary: {
      janus: {
        url: 'ws://198.18.0.1:8188',
        apiSecret: API_SECRET,
        adminKey: ADMIN_KEY,
        room: { id: 4242, secret: ROOM_SECRET, pin: ROOM_PIN },
      },
      icecast: {
        mountUrl: `http://source:${SOURCE_PASSWORD}@198.18.0.1:8000/live.opus`,
        statsUrl: `http://admin:${ADMIN_PASSWORD}@198.18.0.1:8000/`,
        fallbackMounts: ['/fallback.opus'],
      },
    },
    backup: { janus: { url: 'ws://198.18.0.2:8188' }, icecast: { mountUrl: `http://source:${SOURCE_PASSWORD}@198.18.0.2:8000/live.opus` } },
  },
};
const settingsWithSecrets = (): DesktopSettings => ({
  config: parseEngineConfig(spaceConfig, 'test'),
  shortcuts: { ...DEFAULT_SHORTCUTS },
});

let dir: string;
let clock: FakeClock;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'steadycast-settings-'));
  clock = new FakeClock();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const store = (safeStorage = new FakeSafeStorage(1), platform: NodeJS.Platform = 'linux'): SettingsStore =>
  new SettingsStore({ dir, vault: createSafeStorageVault(safeStorage, platform), now: () => clock.now() });

/** Fails when the file's bytes hold any secret as text, base64, base64url or hex. */
async function expectNoSecretIn(path: string): Promise<void> {
  const bytes = await readFile(path);
  const text = bytes.toString('utf8');
  for (const secret of ALL_SECRETS) {
    const encoded = Buffer.from(secret, 'utf8');
    for (const form of [
      secret,
      encoded.toString('base64'),
      encoded.toString('base64url'),
      encoded.toString('hex'),
      encodeURIComponent(secret),
    ]) {
      expect(text, `${path} contains ${secret} (as ${form})`).not.toContain(form);
    }
    // Also no longer stretch of the secret's base64 (base64 of a secret inside a longer value shifts, but its middle stays).
    expect(bytes.includes(encoded)).toBe(false);
  }
}

describe('secrets at rest', () => {
  it('never writes a secret in plain text, base64 or hex, and reads every one back', async () => {
    const settings = settingsWithSecrets();
    await store().save(settings);
    const path = join(dir, 'settings.json');
    await expectNoSecretIn(path);

    const written = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      schemaVersion: SETTINGS_SCHEMA_VERSION,
      space: {
        name: 'Launch night',
        primary: {
          janus: { url: 'ws://198.18.0.1:8188', room: { id: 4242, secret: { sealed: expect.any(String) as unknown } } },
          icecast: {
            mountUrl: 'http://198.18.0.1:8000/live.opus',
            mountCredentials: { sealed: expect.any(String) as unknown },
            statsUrl: 'http://198.18.0.1:8000/',
            fallbackMounts: ['/fallback.opus'],
          },
        },
      },
    });

    const loaded = await store().load();
    expect(loaded.status).toBe('loaded');
    expect(loaded.settings).toEqual(settings);
  });

  it('writes the file for the user only (0600), atomically, with no temporary file left', async () => {
    await store().save(settingsWithSecrets());
    await store().save(settingsWithSecrets());
    expect((await stat(join(dir, 'settings.json'))).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('refuses to save secrets when the system has no encryption, and writes nothing', async () => {
    const keychain = new FakeSafeStorage(1);
    keychain.available = false;
    await expect(store(keychain).save(settingsWithSecrets())).rejects.toBeInstanceOf(SecretsUnavailableError);
    await expect(store(keychain).save(settingsWithSecrets())).rejects.toThrow(
      /never writes room secrets or server passwords in plain text/,
    );
    expect(await readdir(dir)).toEqual([]);
    // Settings without secrets need no keychain.
    await store(keychain).save({ config: parseEngineConfig({ space: { name: 'Open mic' } }, 'test'), shortcuts: DEFAULT_SHORTCUTS });
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('treats Linux basic_text (a key built into Chromium) as no encryption', async () => {
    const keychain = new FakeSafeStorage(1);
    keychain.backend = 'basic_text';
    await expect(store(keychain, 'linux').save(settingsWithSecrets())).rejects.toThrow(/GNOME Keyring or KWallet/);
    expect(await readdir(dir)).toEqual([]);
    // The backend question is Linux's only.
    await store(keychain, 'darwin').save(settingsWithSecrets());
    expect(await readdir(dir)).toEqual(['settings.json']);
  });

  it('keeps secrets another keychain sealed, starts with defaults and never overwrites them', async () => {
    await store(new FakeSafeStorage(1)).save(settingsWithSecrets());
    const before = await readFile(join(dir, 'settings.json'), 'utf8');
    const other = store(new FakeSafeStorage(2));
    const loaded = await other.load();
    expect(loaded).toMatchObject({ status: 'unusable', damaged: false, keptAt: join(dir, 'settings.json') });
    expect(loaded.status === 'unusable' && loaded.problems.join('\n')).toMatch(
      /space\.primary\.janus\.room\.secret: the secret cannot be decrypted on this system/,
    );
    expect(loaded.settings.config.space.name).toBe('Untitled space');
    await expect(other.save(settingsWithSecrets())).rejects.toThrow(/did not save the settings/);
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(before);
  });

  it('lists the secret values for the log redactor, and shows none in redacted settings', () => {
    const settings = settingsWithSecrets();
    expect(secretValues(settings.config)).toEqual(expect.arrayContaining(ALL_SECRETS));
    const shown = JSON.stringify(redactedSettings(settings));
    for (const secret of ALL_SECRETS) expect(shown).not.toContain(secret);
    expect(shown).toContain('http://198.18.0.1:8000/live.opus');
    expect(shown).toContain('(set)');
  });

  it('splits credentials out of URLs and leaves URLs without them alone', () => {
    expect(splitCredentials('http://source:p%40ss@host:8000/m.opus')).toEqual({
      url: 'http://host:8000/m.opus',
      credentials: 'source:p%40ss',
    });
    expect(splitCredentials('ws://janus:8188')).toEqual({ url: 'ws://janus:8188', credentials: null });
  });
});

describe('settings migration', () => {
  it('moves a hand-written config.json (version 1) into settings.json, encrypted, and removes the plain file', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify(spaceConfig));
    const loaded = await store().load();
    expect(loaded).toMatchObject({ status: 'loaded', migratedFrom: 1, path: join(dir, 'settings.json') });
    expect(loaded.settings).toEqual(settingsWithSecrets());
    expect(loaded.notices.join(' ')).toMatch(/plain-text file was removed/);
    expect(await readdir(dir)).toEqual(['settings.json']);
    await expectNoSecretIn(join(dir, 'settings.json'));
    expect((await store().load()).settings).toEqual(settingsWithSecrets());
  });

  it('rewrites a settings.json of version 1 as the current version', async () => {
    await writeFile(join(dir, 'settings.json'), JSON.stringify({ schemaVersion: 1, ...spaceConfig }));
    const loaded = await store().load();
    expect(loaded).toMatchObject({ status: 'loaded', migratedFrom: 1 });
    expect(loaded.settings.shortcuts).toEqual(DEFAULT_SHORTCUTS);
    await expectNoSecretIn(join(dir, 'settings.json'));
    expect(JSON.parse(await readFile(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ schemaVersion: SETTINGS_SCHEMA_VERSION });
  });

  it('uses config.json as it is when this system cannot encrypt, and writes no copy of its secrets', async () => {
    await writeFile(join(dir, 'config.json'), JSON.stringify(spaceConfig));
    const keychain = new FakeSafeStorage(1);
    keychain.available = false;
    const loaded = await store(keychain).load();
    expect(loaded).toMatchObject({ status: 'loaded', migratedFrom: null, path: join(dir, 'config.json') });
    expect(loaded.settings.config.space.name).toBe('Launch night');
    expect(loaded.notices.join(' ')).toMatch(/keeps its secrets in plain text.*writes no copy/);
    expect(await readdir(dir)).toEqual(['config.json']);
  });

  it('uses a plain settings.json of version 1 as it is without a keychain, and never rewrites it', async () => {
    const plain = JSON.stringify({ schemaVersion: 1, ...spaceConfig });
    await writeFile(join(dir, 'settings.json'), plain);
    const keychain = new FakeSafeStorage(1);
    keychain.available = false;
    const settings = store(keychain);
    const loaded = await settings.load();
    expect(loaded).toMatchObject({ status: 'loaded', migratedFrom: null });
    expect(loaded.settings.config.space.primary?.janus.room?.secret).toBe(ROOM_SECRET);
    expect(loaded.notices.join(' ')).toMatch(/keeps its secrets in plain text and is used as it is/);
    await expect(settings.save(settingsWithSecrets())).rejects.toThrow(/cannot encrypt/);
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(plain);
  });

  it('keeps a file written by a newer Steadycast untouched', async () => {
    const newer = JSON.stringify({ schemaVersion: SETTINGS_SCHEMA_VERSION + 1, space: { name: 'Future' } });
    await writeFile(join(dir, 'settings.json'), newer);
    const settings = store();
    const loaded = await settings.load();
    expect(loaded).toMatchObject({ status: 'unusable', damaged: false, keptAt: join(dir, 'settings.json') });
    expect(loaded.status === 'unusable' && loaded.problems[0]).toMatch(/newer Steadycast.*update Steadycast/);
    await expect(settings.save(settingsWithSecrets())).rejects.toThrow(/kept as it is/);
    expect(await readFile(join(dir, 'settings.json'), 'utf8')).toBe(newer);
  });

  it('names the version step by step (1 → 2 → 3) and refuses what is no settings object', () => {
    const vault = createSafeStorageVault(new FakeSafeStorage(1), 'linux');
    expect(migrateToCurrent(spaceConfig, vault)).toMatchObject({ from: 1, stored: { schemaVersion: 3, shortcuts: DEFAULT_SHORTCUTS } });
    expect(migrateToCurrent({ schemaVersion: 2, space: { name: 'x' }, shortcuts: DEFAULT_SHORTCUTS }, vault)).toEqual({
      from: 2,
      stored: { schemaVersion: 3, space: { name: 'x' }, shortcuts: DEFAULT_SHORTCUTS },
    });
    expect(() => migrateToCurrent([], vault)).toThrow(/not a settings object/);
    expect(() => migrateToCurrent({ schemaVersion: 'two' }, vault)).toThrow(/whole-number "schemaVersion"/);
  });

  it('refuses a global shortcut without a modifier or with an unknown key, naming the field', () => {
    const vault = createSafeStorageVault(new FakeSafeStorage(1), 'linux');
    const stored = { schemaVersion: 2, space: { name: 'x' }, shortcuts: { muteToggle: 'M', pushToTalk: 'Ctrl+Shift+Blorp' } };
    expect(() => migrateToCurrent(stored, vault)).toThrow(/shortcuts\.muteToggle: "M" has no modifier/);
    expect(() => migrateToCurrent({ ...stored, shortcuts: { muteToggle: 'F9', pushToTalk: 'Ctrl+Shift+Blorp' } }, vault)).toThrow(
      /shortcuts\.pushToTalk: .*"Blorp" is not a key/,
    );
    expect(migrateToCurrent({ ...stored, shortcuts: { muteToggle: 'F9', pushToTalk: null } }, vault).stored.shortcuts).toEqual({
      muteToggle: 'F9',
      pushToTalk: null,
    });
  });
});

describe('a damaged settings file', () => {
  it('is moved aside (never deleted), with defaults loaded', async () => {
    await writeFile(join(dir, 'settings.json'), '{ "schemaVersion": 2, "space": ');
    const loaded = await store().load();
    expect(loaded).toMatchObject({ status: 'unusable', damaged: true });
    expect(loaded.status === 'unusable' && loaded.problems[0]).toMatch(/not valid JSON/);
    expect(loaded.settings.config.space.name).toBe('Untitled space');
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^settings\.corrupt-2023-11-14T22-13-20-000Z\.json$/);
    expect(loaded.status === 'unusable' && loaded.keptAt).toBe(join(dir, files[0] ?? ''));
    expect(await readFile(join(dir, files[0] ?? ''), 'utf8')).toBe('{ "schemaVersion": 2, "space": ');
    // The next save writes a fresh file beside the damaged one.
    await store().save(settingsWithSecrets());
    expect((await readdir(dir)).sort()).toEqual([files[0], 'settings.json'].sort());
  });

  it('is moved aside when a field is wrong, naming the field', async () => {
    const stored = JSON.parse(
      JSON.stringify({
        schemaVersion: 2,
        space: { name: 'x', primary: { janus: { url: 'http://not-ws' }, icecast: { mountUrl: 'http://h/m' } } },
        shortcuts: DEFAULT_SHORTCUTS,
      }),
    ) as unknown;
    await writeFile(join(dir, 'settings.json'), JSON.stringify(stored));
    const loaded = await store().load();
    expect(loaded).toMatchObject({ status: 'unusable', damaged: true });
    expect(loaded.status === 'unusable' && loaded.problems.join(' ')).toMatch(
      /space\.primary\.janus\.url: must start with ws:\/\/ or wss:\/\//,
    );
  });

  it('is reported by the app in a dialog that says where the file went', async () => {
    await writeFile(join(dir, 'settings.json'), 'not json at all');
    const electron = createFakeElectron({ userData: dir });
    const options: DesktopAppOptions = {
      version: '9.9.9',
      platform: 'linux',
      clock,
      prober: new FakeProber(),
      preloadPath: '/app/out/preload/index.cjs',
      renderer: { kind: 'file', path: '/app/out/renderer/index.html' },
      launch: { argv: ['/opt/Steadycast/steadycast'], defaultApp: false, execPath: '/opt/Steadycast/steadycast' },
    };
    const app = (await startApp(electron, options)) as DesktopApp;
    try {
      expect(app.engine.getState().space.name).toBe('Untitled space');
      const box = electron.dialog.messageBoxes[0];
      expect(box?.message).toBe('Steadycast started with its default settings');
      expect(box?.detail).toMatch(/moved aside, so nothing is lost:\n.*settings\.corrupt-.*\.json/);
      expect(box?.detail).toMatch(/not valid JSON/);
    } finally {
      await app.dispose();
    }
  });
});
