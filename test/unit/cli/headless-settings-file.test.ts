import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HeadlessSettingsError, HeadlessSettingsFile } from '../../../electron/cli/headless-settings-file';
import { EngineConfigSchema } from '../../../electron/engine/config';
import { SettingsBook } from '../../../electron/engine/settings/settings-book';

/* The headless engine's settings file: what the settings screen saves survives a restart, owner-only. */

const ROOM_SECRET = 'room-secret-123';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'steadycast-settings-'));
  dirs.push(dir);
  return join(dir, 'nested', 'settings.json');
}

const running = EngineConfigSchema.parse({
  space: {
    name: 'Launch night',
    primary: {
      janus: { url: 'ws://198.18.0.1:8188', room: { id: 1234, secret: ROOM_SECRET } },
      icecast: { mountUrl: 'http://source:pw-123456@198.18.0.1:8000/live.opus' },
    },
  },
});

describe('the headless settings file', () => {
  it('keeps what the settings screen saves across a restart, in a file only its owner can read', async () => {
    const path = tempFile();
    const file = new HeadlessSettingsFile(path);
    expect(await file.load()).toEqual({ running: null, saved: { spaces: [] } });
    const book = new SettingsBook({ config: running, store: file });
    const general = book.generalSettings();
    await book.saveGeneral({ ...general, audio: { ...general.audio, bitrateKbps: 96 } });
    await book.duplicateSpace('space-1');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).toContain(ROOM_SECRET);

    const loaded = await new HeadlessSettingsFile(path).load();
    expect(loaded.running?.space.name).toBe('Launch night');
    expect(loaded.saved.spaces.map((space) => space.name)).toEqual(['Launch night (copy)']);
    expect(loaded.saved.general?.audio?.bitrateKbps).toBe(96);
    const again = new SettingsBook({ config: loaded.running ?? running, saved: loaded.saved });
    expect(again.view().spaces.map((space) => space.name)).toEqual(['Launch night', 'Launch night (copy)']);
    expect(again.generalSettings().audio.bitrateKbps).toBe(96);
  });

  it('refuses a damaged file with where it is and what to do', async () => {
    const path = tempFile().replace('nested/', '');
    writeFileSync(path, '{"version": 1, "running": {"name": ""}}');
    await expect(new HeadlessSettingsFile(path).load()).rejects.toThrow(HeadlessSettingsError);
    await expect(new HeadlessSettingsFile(path).load()).rejects.toThrow(/cannot be used .*move it aside and start again/);
    writeFileSync(path, 'not json');
    await expect(new HeadlessSettingsFile(path).load()).rejects.toThrow(/is not valid JSON/);
  });
});
