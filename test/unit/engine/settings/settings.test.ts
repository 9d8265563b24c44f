import { describe, expect, it } from 'vitest';
import { EngineConfigSchema } from '../../../../electron/engine/config';
import { EngineCommandError } from '../../../../electron/engine/engine-errors';
import { SettingsBook } from '../../../../electron/engine/settings/settings-book';
import { GeneralSettingsSchema, SpaceFormSchema, type SettingsView, type SpaceForm } from '../../../../electron/shared/settings';
import { generalDraft, spaceDraft, validateGeneral, validateSpace, type SpaceDraft } from '../../../../renderer/stores/settings-form';
import { createAppStore, type AppStore } from '../../../../renderer/stores/app-store';
import { selectSettingsError } from '../../../../renderer/stores/settings-slice';
import { FakeBridge } from '../../../fakes/fake-bridge';

/*
 * The settings screen's rules: per-field validation with the contract's schemas, the engine's
 * settings book (secrets in, only "set" out), and the store driving both through a bridge.
 */

const ROOM_SECRET = 'room-secret-123';
const SOURCE_PASSWORD = 'hackme-source';

function book(): SettingsBook {
  return new SettingsBook({
    config: EngineConfigSchema.parse({
      space: {
        name: 'Launch night',
        primary: {
          janus: { url: 'ws://198.18.0.1:8188', room: { id: 1234, secret: ROOM_SECRET } },
          icecast: { mountUrl: `http://source:${SOURCE_PASSWORD}@198.18.0.1:8000/live.opus` },
        },
      },
    }),
    recordingsDir: '/var/recordings',
  });
}

function filledDraft(): SpaceDraft {
  const draft = spaceDraft(null);
  draft.name = 'Morning show';
  Object.assign(draft.primary, {
    janusUrl: 'wss://janus.example.org:8989',
    roomId: '77',
    roomSecret: 'a-long-secret',
    mountUrl: 'https://icecast.example.org:8000/morning.opus',
    sourcePassword: 'pw',
  });
  return draft;
}

/** The filled draft as the form it validates to. */
function filledForm(): SpaceForm {
  const result = validateSpace(filledDraft());
  if (!result.ok) throw new Error(`the filled draft does not validate: ${JSON.stringify(result.errors)}`);
  return result.form;
}

/** A store whose bridge answers `settings:*` from a real settings book, as the engine does. */
function storeWithBook(settings = book()): { store: AppStore; bridge: FakeBridge } {
  const bridge = new FakeBridge();
  const answer = async (run: () => Promise<SettingsView>): Promise<SettingsView> => {
    try {
      return await run();
    } catch (error) {
      throw error instanceof EngineCommandError ? new Error(error.message) : error;
    }
  };
  bridge.handle('settings:get', () => settings.view());
  bridge.handle('settings:save-space', ({ id, space }) => answer(() => settings.saveSpace(id, SpaceFormSchema.parse(space))));
  bridge.handle('settings:duplicate-space', ({ id }) => answer(() => settings.duplicateSpace(id)));
  bridge.handle('settings:delete-space', ({ id }) => answer(() => settings.deleteSpace(id)));
  bridge.handle('settings:save-general', (general) => answer(() => settings.saveGeneral(GeneralSettingsSchema.parse(general))));
  const store = createAppStore({ now: () => 0, randomNonce: () => 'n', setTimer: () => () => undefined, bridge: bridge.binding() });
  return { store, bridge };
}

describe('settings validation (the contract schemas, per field)', () => {
  it('names every bad field of a space with what to do', () => {
    const draft = spaceDraft(null);
    Object.assign(draft.primary, {
      janusUrl: 'http://janus.example.org',
      roomId: 'twelve',
      roomSecret: 'short',
      mountUrl: 'http://source:pw@icecast.example.org/live.opus',
      sourceUser: ' ',
    });
    const result = validateSpace(draft);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      name: 'give the space a name',
      'primary.janusUrl': 'must start with ws:// or wss:// (the Janus WebSocket transport)',
      'primary.roomId': 'must be a whole number such as 1234',
      'primary.roomSecret': 'use at least 8 characters',
      'primary.mountUrl': 'leave the user name and password out of the URL: use the Source user and Source password fields',
      'primary.sourceUser': 'give the source user name (usually "source")',
      'primary.sourcePassword': 'give the source password',
    });
  });

  it('accepts a filled space; empty secret fields keep saved secrets (null), a backup is checked only when on', () => {
    const draft = filledDraft();
    expect(validateSpace(draft)).toMatchObject({
      ok: true,
      form: { name: 'Morning show', backup: null, primary: { roomId: 77, roomSecret: 'a-long-secret' } },
    });
    const saved = spaceDraft(book().view().spaces[0] ?? null);
    expect(saved.primary.roomSecret, 'a secret is never shown').toBe('');
    expect(validateSpace(saved)).toMatchObject({
      ok: true,
      form: { primary: { roomSecret: null, sourcePassword: null, sourceUser: 'source' } },
    });
    saved.hasBackup = true;
    const withBackup = validateSpace(saved);
    expect(withBackup.ok).toBe(false);
    if (!withBackup.ok) expect(Object.keys(withBackup.errors).every((path) => path.startsWith('backup.'))).toBe(true);
  });

  it('accepts every space the engine accepts: a space file without a room saves unchanged, and stays without one', async () => {
    const roomless = new SettingsBook({
      config: EngineConfigSchema.parse({
        space: {
          name: 'Audience only',
          primary: {
            janus: { url: 'ws://198.18.0.1:8188' },
            icecast: { mountUrl: `http://source:${SOURCE_PASSWORD}@198.18.0.1:8000/live.opus` },
          },
        },
      }),
    });
    const view = roomless.view().spaces[0] ?? null;
    const draft = spaceDraft(view);
    expect(draft.primary.roomId).toBe('');
    const result = validateSpace(draft);
    expect(result).toMatchObject({ ok: true, form: { primary: { roomId: null, roomSecret: null } } });
    if (!result.ok) return;
    const saved = await roomless.saveSpace(view?.id ?? null, result.form);
    expect(saved.spaces[0]?.primary).toMatchObject({ roomId: 0, roomSecretSet: false, sourcePasswordSet: true });
    // A room number still needs its secret.
    expect(validateSpace({ ...draft, primary: { ...draft.primary, roomId: '42', roomSecret: 'short' } })).toMatchObject({
      ok: false,
      errors: { 'primary.roomSecret': 'use at least 8 characters' },
    });
  });

  it('checks audio, recording folder and shortcuts field by field', () => {
    const draft = generalDraft(book().view().general);
    expect(validateGeneral(draft).ok).toBe(true);
    const bad = { ...draft, bitrateKbps: '100', recordingFolder: 'recordings', muteToggle: 'M', pushToTalk: '' };
    const result = validateGeneral(bad);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors['audio.bitrateKbps']).toBe('choose one of 32, 48, 64, 96, 128, 160, 192, 256 kb/s');
    expect(result.errors['recording.folder']).toBe('must be a full path such as /home/you/Recordings or C:\\Recordings');
    expect(result.errors['shortcuts.muteToggle']).toMatch(/has no modifier/);
    expect(result.errors['shortcuts.pushToTalk']).toBeUndefined();
    const same = validateGeneral({ ...draft, pushToTalk: draft.muteToggle });
    expect(same.ok ? null : same.errors['shortcuts.pushToTalk']).toBe('is the same keys as the mute shortcut: choose other keys');
    const noFolder = validateGeneral({ ...draft, recordingFolder: '', recordingEnabled: true });
    expect(noFolder.ok ? null : noFolder.errors['recording.folder']).toMatch(/choose the folder/);
    expect(validateGeneral({ ...draft, recordingFolder: '', recordingEnabled: false }).ok).toBe(true);
  });
});

describe('the engine settings book', () => {
  it('never hands out a secret: only whether each is set', () => {
    const view = JSON.stringify(book().view());
    expect(view).not.toContain(ROOM_SECRET);
    expect(view).not.toContain(SOURCE_PASSWORD);
    expect(book().view().spaces[0]?.primary).toEqual({
      janusUrl: 'ws://198.18.0.1:8188',
      roomId: 1234,
      roomSecretSet: true,
      roomPin: '',
      mountUrl: 'http://198.18.0.1:8000/live.opus',
      sourceUser: 'source',
      sourcePasswordSet: true,
    });
  });

  it('creates, edits (keeping secrets), duplicates and deletes; the space in use cannot be deleted', async () => {
    const settings = book();
    const form = filledForm();
    const created = await settings.saveSpace(null, form);
    const id = created.spaces[1]?.id ?? '';
    expect(created.spaces.map((space) => space.name)).toEqual(['Launch night', 'Morning show']);
    const edited = await settings.saveSpace(id, {
      ...form,
      name: 'Evening show',
      primary: { ...form.primary, roomSecret: null, sourcePassword: null },
    });
    expect(edited.spaces[1]).toMatchObject({ id, name: 'Evening show', primary: { roomSecretSet: true, sourcePasswordSet: true } });
    const copied = await settings.duplicateSpace(id);
    expect(copied.spaces.map((space) => space.name)).toEqual(['Launch night', 'Evening show', 'Evening show (copy)']);
    const afterDelete = await settings.deleteSpace(id);
    expect(afterDelete.spaces.map((space) => space.name)).toEqual(['Launch night', 'Evening show (copy)']);
    await expect(settings.deleteSpace(afterDelete.activeSpaceId)).rejects.toThrow(/is the space this engine runs now/);
    await expect(settings.saveSpace(null, { ...form, primary: { ...form.primary, roomSecret: null } })).rejects.toThrow(
      'Primary room secret: give one (at least 8 characters); this endpoint has none saved.',
    );
    // A refused change leaves the book as it was, and the next change goes ahead.
    expect(settings.view().spaces.map((space) => space.name)).toEqual(['Launch night', 'Evening show (copy)']);
  });
});

describe('the settings slice', () => {
  it('shows per-field messages and sends nothing while a field is wrong; saves once fixed', async () => {
    const { store, bridge } = storeWithBook();
    await store.getState().openSettings();
    expect(store.getState().settings.view?.spaces).toHaveLength(1);
    store.getState().newSpace();
    store.getState().setSpaceField('primary', 'janusUrl', 'janus.example.org');
    await store.getState().saveSpace();
    expect(store.getState().settings.editor?.errors['primary.janusUrl']).toBe('must be a URL such as ws://janus.example.org:8188');
    expect(store.getState().settings.editor?.errors['name']).toBe('give the space a name');
    expect(bridge.callsOf('settings:save-space')).toHaveLength(0);
    // Typing in a field clears its message only.
    store.getState().setSpaceField(null, 'name', 'Morning show');
    expect(store.getState().settings.editor?.errors['name']).toBeUndefined();
    expect(store.getState().settings.editor?.errors['primary.janusUrl']).toBeDefined();
    const filled = filledDraft();
    for (const [field, value] of Object.entries(filled.primary))
      if (typeof value === 'string') store.getState().setSpaceField('primary', field as 'janusUrl', value);
    await store.getState().saveSpace();
    expect(store.getState().settings.editor).toBeNull();
    expect(store.getState().settings.view?.spaces.map((space) => space.name)).toEqual(['Launch night', 'Morning show']);
  });

  it('duplicates, asks before deleting, and shows the engine refusing to delete the space in use', async () => {
    const { store } = storeWithBook();
    await store.getState().openSettings();
    await store.getState().duplicateSpace('space-1');
    expect(store.getState().settings.view?.spaces.map((space) => space.name)).toEqual(['Launch night', 'Launch night (copy)']);
    store.getState().askDeleteSpace('space-2');
    expect(store.getState().settings.confirmingDelete).toBe('space-2');
    store.getState().cancelDeleteSpace();
    expect(store.getState().settings.view?.spaces).toHaveLength(2);
    store.getState().askDeleteSpace('space-2');
    await store.getState().confirmDeleteSpace();
    expect(store.getState().settings.view?.spaces.map((space) => space.id)).toEqual(['space-1']);
    store.getState().askDeleteSpace('space-1');
    await store.getState().confirmDeleteSpace();
    expect(selectSettingsError(store.getState())).toMatch(/^Could not delete the space: "Launch night" is the space this engine runs now/);
  });

  it('saves the general settings, or names the field that stops it', async () => {
    const { store, bridge } = storeWithBook();
    await store.getState().openSettings();
    store.getState().setGeneralField('recordingFolder', 'here');
    await store.getState().saveGeneral();
    expect(store.getState().settings.general?.errors['recording.folder']).toMatch(/full path/);
    expect(bridge.callsOf('settings:save-general')).toHaveLength(0);
    store.getState().setGeneralField('recordingFolder', '/srv/shows');
    store.getState().setGeneralField('bitrateKbps', '96');
    await store.getState().saveGeneral();
    expect(store.getState().settings.general).toMatchObject({ save: { status: 'done' }, errors: {} });
    expect(store.getState().settings.view?.general.audio.bitrateKbps).toBe(96);
    expect(store.getState().settings.view?.general.recording.folder).toBe('/srv/shows');
  });
});
