import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchUntrusted } from '../../../electron/engine/dispatch';
import { startApp, type DesktopApp } from '../../../electron/main/app';
import { createSafeStorageVault } from '../../../electron/main/secret-vault';
import { SETTINGS_SCHEMA_VERSION } from '../../../electron/main/settings-schema';
import { SettingsStore } from '../../../electron/main/settings-store';
import type { CommandChannel, CommandResult } from '../../../electron/shared/contract';
import { DEFAULT_AUDIO_SETTINGS, type GeneralSettings, type SpaceForm } from '../../../electron/shared/settings';
import { createFakeElectron, FakeSafeStorage, type FakeElectron } from '../../fakes/electron';
import { desktopAppOptions as options } from '../../support/electron-app-support';

/*
 * The settings screen's book kept across restarts in the desktop app: saved spaces (their secrets
 * sealed by the keychain, never in the file's bytes), the running space as edited, and the audio,
 * recording and shortcut settings. A change the file cannot keep is not made. The keychain is the
 * fake safeStorage; the user data folder is a temporary one.
 */

const ROOM_SECRET = 'book-room-secret-Xy7';
const ROOM_PIN = 'pin-9061';
const SOURCE_PASSWORD = 'b00k-s0urce-Pw';
const SECRETS = [ROOM_SECRET, ROOM_PIN, SOURCE_PASSWORD];

const endpoint = (host: string): SpaceForm['primary'] => ({
  janusUrl: `ws://${host}:8188`,
  roomId: 77,
  roomSecret: ROOM_SECRET,
  roomPin: ROOM_PIN,
  mountUrl: `http://${host}:8000/morning.opus`,
  sourceUser: 'source',
  sourcePassword: SOURCE_PASSWORD,
});
const morningShow: SpaceForm = { name: 'Morning show', primary: endpoint('198.18.0.1'), backup: endpoint('198.18.0.2') };

let userData: string;
const started: DesktopApp[] = [];
beforeEach(async () => {
  userData = await mkdtemp(join(tmpdir(), 'steadycast-book-'));
});
afterEach(async () => {
  for (const app of started.splice(0)) await app.dispose();
  await rm(userData, { recursive: true, force: true });
});

async function start(electron: FakeElectron): Promise<DesktopApp> {
  const app = await startApp(electron, options());
  if (!app) throw new Error('the app did not start');
  started.push(app);
  await app.startupDone;
  return app;
}

/** Stops a running app as quitting does (its engine's state is gone with it). */
async function stop(app: DesktopApp): Promise<void> {
  started.splice(started.indexOf(app), 1);
  await app.dispose();
}

/** Runs a command the way the IPC binding does; throws the engine's message when refused. */
async function command<C extends CommandChannel>(app: DesktopApp, channel: C, payload: unknown): Promise<CommandResult<C>> {
  const reply = await dispatchUntrusted(app.engine, channel, payload);
  if (!reply.ok) throw new Error(reply.error.message);
  return reply.result as CommandResult<C>;
}

/** Fails when the file's bytes hold any secret as text, base64, base64url, hex or URL-encoded. */
async function expectNoSecretIn(path: string): Promise<void> {
  const bytes = await readFile(path);
  const text = bytes.toString('utf8');
  for (const secret of SECRETS) {
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
    expect(bytes.includes(encoded)).toBe(false);
  }
}

const savedGeneral = (folder: string): GeneralSettings => ({
  audio: {
    bitrateKbps: 96,
    channels: 1,
    inputDeviceId: 'usb-mic',
    processing: { echoCancellation: false, noiseSuppression: true, autoGainControl: false },
  },
  recording: { enabled: true, folder },
  shortcuts: { muteToggle: 'CommandOrControl+Alt+M', pushToTalk: null },
});

describe('the settings book in the desktop settings file', () => {
  it('keeps saved spaces, the running space as edited and the general settings across a restart, secrets sealed', async () => {
    const keychain = new FakeSafeStorage(5);
    const first = createFakeElectron({ userData, safeStorage: keychain });
    const app = await start(first);
    const general = savedGeneral(join(userData, 'shows'));

    await command(app, 'settings:save-space', { id: null, space: morningShow });
    await command(app, 'settings:save-space', { id: 'space-1', space: { ...morningShow, name: 'Evening show' } });
    await command(app, 'settings:save-general', general);
    // Shortcuts saved on the settings screen take effect at once.
    expect([...first.globalShortcut.registered.keys()]).toEqual(['CommandOrControl+Alt+M']);

    const path = join(userData, 'settings.json');
    await expectNoSecretIn(path);
    const written = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      schemaVersion: SETTINGS_SCHEMA_VERSION,
      space: {
        name: 'Evening show',
        primary: {
          janus: { room: { id: 77, secret: { sealed: expect.any(String) as unknown } } },
          icecast: { mountUrl: 'http://198.18.0.1:8000/morning.opus' },
        },
      },
      savedSpaces: [{ name: 'Morning show', backup: { icecast: { mountCredentials: { sealed: expect.any(String) as unknown } } } }],
      audio: general.audio,
      recording: general.recording,
      shortcuts: general.shortcuts,
    });
    await stop(app);

    // The next start: the same keychain opens everything again.
    const second = createFakeElectron({ userData, safeStorage: keychain });
    const again = await start(second);
    const view = await command(again, 'settings:get', {});
    expect(view.spaces.map((space) => space.name)).toEqual(['Evening show', 'Morning show']);
    expect(view.spaces[1]?.backup).toMatchObject({
      roomSecretSet: true,
      roomPin: ROOM_PIN,
      sourcePasswordSet: true,
      mountUrl: 'http://198.18.0.2:8000/morning.opus',
    });
    expect(view.general).toEqual(general);
    // The engine runs the space as it was edited, and goes live with the saved audio settings.
    const state = again.engine.getState();
    expect(state.space.name).toBe('Evening show');
    expect(state.space.endpoints.map((status) => status.icecast?.url)).toEqual([
      'http://198.18.0.1:8000/morning.opus',
      'http://198.18.0.2:8000/morning.opus',
    ]);
    expect(state.settings).toEqual({ audio: general.audio, recording: general.recording });
    expect([...second.globalShortcut.registered.keys()]).toEqual(['CommandOrControl+Alt+M']);
    // A saved space keeps its secrets through the restart: duplicating needs none typed again.
    expect((await command(again, 'settings:duplicate-space', { id: view.spaces[1]?.id })).spaces.map((space) => space.name)).toEqual([
      'Evening show',
      'Morning show',
      'Morning show (copy)',
    ]);
    await expectNoSecretIn(path);
  });

  it('makes no change the file cannot keep: without a keychain, secrets are refused and the screen says why', async () => {
    const keychain = new FakeSafeStorage(5);
    keychain.available = false;
    const app = await start(createFakeElectron({ userData, safeStorage: keychain }));

    await expect(command(app, 'settings:save-space', { id: null, space: morningShow })).rejects.toThrow(
      /never writes room secrets or server passwords in plain text.*Nothing was changed\.$/su,
    );
    expect((await command(app, 'settings:get', {})).spaces).toHaveLength(1);
    expect(await readdir(userData)).not.toContain('settings.json');

    // Settings without secrets need no keychain.
    const general = { ...savedGeneral(join(userData, 'shows')), audio: { ...DEFAULT_AUDIO_SETTINGS, bitrateKbps: 64 } };
    await command(app, 'settings:save-general', general);
    const written = JSON.parse(await readFile(join(userData, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toMatchObject({
      schemaVersion: SETTINGS_SCHEMA_VERSION,
      space: { name: 'Untitled space' },
      audio: { bitrateKbps: 64 },
    });
    expect(written).not.toHaveProperty('savedSpaces');
  });

  it('keeps an imported space as the one to run after the restart, through later saves', async () => {
    const keychain = new FakeSafeStorage(5);
    const electron = createFakeElectron({ userData, safeStorage: keychain });
    const app = await start(electron);
    const file = join(userData, 'space.json');
    await writeFile(
      file,
      JSON.stringify({
        space: {
          name: 'Imported night',
          primary: {
            janus: { url: 'ws://198.18.0.1:8188', room: { id: 7, secret: ROOM_SECRET } },
            icecast: { mountUrl: `http://source:${SOURCE_PASSWORD}@198.18.0.1:8000/n.opus` },
          },
        },
      }),
    );
    electron.dialog.openDialogResult = { canceled: false, filePaths: [file] };
    electron.dialog.answers.push(1);
    electron.Menu.applicationMenu?.click('import-settings');
    for (let turn = 0; turn < 200 && electron.dialog.messageBoxes.length === 0; turn += 1)
      await new Promise<void>((resolve) => setTimeout(resolve, 5));
    expect(electron.dialog.messageBoxes.at(-1)?.message).toBe('“Imported night” is saved');

    // The engine still runs the space it started with; saving from the screen keeps the import in the file.
    await command(app, 'settings:save-space', { id: null, space: morningShow });
    await command(app, 'settings:save-general', savedGeneral(join(userData, 'shows')));
    await stop(app);

    const loaded = await new SettingsStore({ dir: userData, vault: createSafeStorageVault(keychain, 'linux'), now: Date.now }).load();
    expect(loaded.settings.config.space.name).toBe('Imported night');
    expect(loaded.settings.savedSpaces?.map((space) => space.name)).toEqual(['Morning show']);
    expect(loaded.settings.audio?.bitrateKbps).toBe(96);
    await expectNoSecretIn(join(userData, 'settings.json'));
  });
});

describe('settings files of version 2', () => {
  it('are read as they are and rewritten as version 3, secrets still sealed, without a notice', async () => {
    const keychain = new FakeSafeStorage(5);
    const vault = createSafeStorageVault(keychain, 'linux');
    const sealed = { sealed: vault.seal(ROOM_SECRET) };
    const v2 = {
      schemaVersion: 2,
      space: {
        name: 'Launch night',
        primary: {
          janus: { url: 'ws://198.18.0.1:8188', room: { id: 4, secret: sealed } },
          icecast: { mountUrl: 'http://198.18.0.1:8000/live.opus' },
        },
      },
      shortcuts: { muteToggle: 'F9', pushToTalk: null },
    };
    await writeFile(join(userData, 'settings.json'), JSON.stringify(v2));
    const loaded = await new SettingsStore({ dir: userData, vault, now: Date.now }).load();
    expect(loaded).toMatchObject({ status: 'loaded', migratedFrom: 2, notices: [] });
    expect(loaded.settings.config.space.primary?.janus.room?.secret).toBe(ROOM_SECRET);
    expect(loaded.settings).not.toHaveProperty('savedSpaces');
    expect(loaded.settings).not.toHaveProperty('audio');
    const written = JSON.parse(await readFile(join(userData, 'settings.json'), 'utf8')) as Record<string, unknown>;
    expect(written).toEqual({ ...v2, schemaVersion: 3 });
    await expectNoSecretIn(join(userData, 'settings.json'));
  });

  it('reports a saved space another keychain sealed by its place in the list, and keeps the file', async () => {
    const app = await start(createFakeElectron({ userData, safeStorage: new FakeSafeStorage(5) }));
    await command(app, 'settings:save-space', { id: null, space: morningShow });
    await stop(app);
    const before = await readFile(join(userData, 'settings.json'), 'utf8');
    const loaded = await new SettingsStore({
      dir: userData,
      vault: createSafeStorageVault(new FakeSafeStorage(6), 'linux'),
      now: Date.now,
    }).load();
    expect(loaded).toMatchObject({ status: 'unusable', damaged: false });
    expect(loaded.status === 'unusable' && loaded.problems.join('\n')).toMatch(
      /savedSpaces\.0\.primary\.janus\.room\.secret: the secret cannot be decrypted/,
    );
    expect(await readFile(join(userData, 'settings.json'), 'utf8')).toBe(before);
  });
});
