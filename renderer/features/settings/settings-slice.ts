import type { SettingsView } from '../../../electron/shared/settings';
import { describeFailure, NOT_CONNECTED } from '../../stores/describe-failure';
import type { AppSlice, AppState } from '../../stores/store-types';
import { generalDraft, spaceDraft, validateGeneral, validateSpace, type EndpointField, type FieldErrors, type GeneralDraft, type SpaceDraft } from './settings-form';

/*
 * The settings screen's state: the engine's saved settings (secrets only as "set"), the space
 * being edited, the general form, and what each request came to. Validation runs here with the
 * contract's schemas before anything is sent; the engine checks again and has the last word.
 */

/** The space editor: a saved space (`id`) or a new one (`id` null). */
export interface SpaceEditor {
  readonly id: string | null;
  readonly draft: SpaceDraft;
  readonly errors: FieldErrors;
  readonly saving: boolean;
  /** The engine's refusal, as it said it. */
  readonly error: string | null;
}

/** The general form (audio, recording, shortcuts). */
export interface GeneralEditor {
  readonly draft: GeneralDraft;
  readonly errors: FieldErrors;
  readonly saving: boolean;
  readonly error: string | null;
  /** True after a save until the next change. */
  readonly saved: boolean;
}

/** The settings part of the store. */
export interface SettingsState {
  readonly open: boolean;
  readonly loading: boolean;
  readonly view: SettingsView | null;
  /** Why loading, duplicating or deleting failed. */
  readonly error: string | null;
  readonly editor: SpaceEditor | null;
  readonly general: GeneralEditor | null;
  /** The space waiting for the delete confirm. */
  readonly confirmingDelete: string | null;
  /** A space request in flight (duplicate, delete), by id. */
  readonly busySpace: string | null;
}

/** The settings slice. */
export interface SettingsSlice {
  settings: SettingsState;
  /** Shows the settings screen and loads the saved settings. */
  openSettings: () => Promise<void>;
  closeSettings: () => void;
  /** Opens the editor on a new, empty space. */
  newSpace: () => void;
  /** Opens the editor on a saved space. */
  editSpace: (id: string) => void;
  cancelSpaceEdit: () => void;
  /** Changes one field of the space being edited (`endpoint` null: the name). */
  setSpaceField: (endpoint: 'primary' | 'backup' | null, field: EndpointField | 'name', value: string) => void;
  setHasBackup: (hasBackup: boolean) => void;
  /** Validates and saves the space being edited; on success the editor closes. */
  saveSpace: () => Promise<void>;
  duplicateSpace: (id: string) => Promise<void>;
  /** Runs a saved space from now on (the engine refuses on air and in the room, and says so). */
  runSpace: (id: string) => Promise<void>;
  askDeleteSpace: (id: string) => void;
  cancelDeleteSpace: () => void;
  confirmDeleteSpace: () => Promise<void>;
  /** Changes one field of the general form. */
  setGeneralField: <K extends keyof GeneralDraft>(field: K, value: GeneralDraft[K]) => void;
  saveGeneral: () => Promise<void>;
}

const CLOSED: SettingsState = { open: false, loading: false, view: null, error: null, editor: null, general: null, confirmingDelete: null, busySpace: null };

/** Whether the settings screen is shown. */
export const selectSettingsOpen = (state: AppState): boolean => state.settings.open;

/** Creates the settings slice. */
export const createSettingsSlice: AppSlice<SettingsSlice> = (set, get) => {
  const patch = (change: Partial<SettingsState>): void => set((current) => ({ settings: { ...current.settings, ...change } }));
  const patchEditor = (change: Partial<SpaceEditor>): void =>
    set((current) => (current.settings.editor ? { settings: { ...current.settings, editor: { ...current.settings.editor, ...change } } } : {}));
  const patchGeneral = (change: Partial<GeneralEditor>): void =>
    set((current) => (current.settings.general ? { settings: { ...current.settings, general: { ...current.settings.general, ...change } } } : {}));
  /** A new view from the engine; the general form follows it unless it has unsaved changes. */
  const receive = (view: SettingsView, resetGeneral: boolean): void =>
    set((current) => ({
      settings: {
        ...current.settings,
        view,
        error: null,
        general: resetGeneral || current.settings.general === null ? { draft: generalDraft(view.general), errors: {}, saving: false, error: null, saved: false } : current.settings.general,
      },
    }));
  const withoutError = (errors: FieldErrors, key: string): FieldErrors => Object.fromEntries(Object.entries(errors).filter(([path]) => path !== key));

  return {
    settings: CLOSED,

    async openSettings() {
      patch({ open: true, loading: true, error: null });
      const bridge = get().bridge;
      if (!bridge) {
        patch({ loading: false, error: NOT_CONNECTED });
        return;
      }
      // The microphone list for the device choice (where this window has a media layer).
      void get().refreshMicrophones().catch(() => undefined);
      try {
        receive(await bridge.invoke('settings:get', {}), true);
      } catch (error) {
        patch({ error: `Could not read the settings: ${describeFailure(error)}` });
      } finally {
        patch({ loading: false });
      }
    },

    closeSettings() {
      set({ settings: CLOSED });
    },

    newSpace() {
      patch({ editor: { id: null, draft: spaceDraft(null), errors: {}, saving: false, error: null }, confirmingDelete: null });
    },

    editSpace(id) {
      const view = get().settings.view?.spaces.find((space) => space.id === id) ?? null;
      if (view === null) return;
      patch({ editor: { id, draft: spaceDraft(view), errors: {}, saving: false, error: null }, confirmingDelete: null });
    },

    cancelSpaceEdit() {
      patch({ editor: null });
    },

    setSpaceField(endpoint, field, value) {
      const editor = get().settings.editor;
      if (!editor) return;
      const draft: SpaceDraft =
        endpoint === null ? { ...editor.draft, name: value } : { ...editor.draft, [endpoint]: { ...editor.draft[endpoint], [field]: value } };
      patchEditor({ draft, errors: withoutError(editor.errors, endpoint === null ? 'name' : `${endpoint}.${field}`), error: null });
    },

    setHasBackup(hasBackup) {
      const editor = get().settings.editor;
      if (!editor) return;
      const errors = hasBackup ? editor.errors : Object.fromEntries(Object.entries(editor.errors).filter(([path]) => !path.startsWith('backup.')));
      patchEditor({ draft: { ...editor.draft, hasBackup }, errors });
    },

    async saveSpace() {
      const editor = get().settings.editor;
      if (!editor || editor.saving) return;
      const checked = validateSpace(editor.draft);
      if (!checked.ok) {
        patchEditor({ errors: checked.errors, error: null });
        return;
      }
      const bridge = get().bridge;
      if (!bridge) {
        patchEditor({ error: NOT_CONNECTED });
        return;
      }
      patchEditor({ errors: {}, saving: true, error: null });
      try {
        receive(await bridge.invoke('settings:save-space', { id: editor.id, space: checked.form }), false);
        patch({ editor: null });
      } catch (error) {
        patchEditor({ saving: false, error: `Could not save the space: ${describeFailure(error)}` });
      }
    },

    async duplicateSpace(id) {
      await spaceRequest(id, 'duplicate', (bridge) => bridge.invoke('settings:duplicate-space', { id }));
    },

    async runSpace(id) {
      await spaceRequest(id, 'use', (bridge) => bridge.invoke('settings:use-space', { id }));
    },

    askDeleteSpace(id) {
      patch({ confirmingDelete: id, error: null });
    },

    cancelDeleteSpace() {
      patch({ confirmingDelete: null });
    },

    async confirmDeleteSpace() {
      const id = get().settings.confirmingDelete;
      if (id === null) return;
      patch({ confirmingDelete: null });
      await spaceRequest(id, 'delete', (bridge) => bridge.invoke('settings:delete-space', { id }));
      if (get().settings.editor?.id === id && get().settings.view?.spaces.every((space) => space.id !== id)) patch({ editor: null });
    },

    setGeneralField(field, value) {
      const general = get().settings.general;
      if (!general) return;
      const path = GENERAL_PATHS[field];
      patchGeneral({ draft: { ...general.draft, [field]: value }, errors: withoutError(general.errors, path), error: null, saved: false });
    },

    async saveGeneral() {
      const general = get().settings.general;
      if (!general || general.saving) return;
      const checked = validateGeneral(general.draft);
      if (!checked.ok) {
        patchGeneral({ errors: checked.errors, saved: false });
        return;
      }
      const bridge = get().bridge;
      if (!bridge) {
        patchGeneral({ error: NOT_CONNECTED });
        return;
      }
      patchGeneral({ errors: {}, saving: true, error: null });
      try {
        receive(await bridge.invoke('settings:save-general', checked.general), true);
        patchGeneral({ saved: true });
      } catch (error) {
        patchGeneral({ saving: false, error: `Could not save: ${describeFailure(error)}` });
      }
    },
  };

  async function spaceRequest(id: string, what: 'duplicate' | 'delete' | 'use', send: (bridge: NonNullable<AppState['bridge']>) => Promise<SettingsView>): Promise<void> {
    const bridge = get().bridge;
    if (!bridge) {
      patch({ error: NOT_CONNECTED });
      return;
    }
    if (get().settings.busySpace !== null) return;
    patch({ busySpace: id, error: null });
    try {
      receive(await send(bridge), false);
    } catch (error) {
      patch({ error: `Could not ${what} the space: ${describeFailure(error)}` });
    } finally {
      patch({ busySpace: null });
    }
  }
};

/** Where each general field's message comes from in the schema's paths. */
export const GENERAL_PATHS: Record<keyof GeneralDraft, string> = {
  bitrateKbps: 'audio.bitrateKbps',
  channels: 'audio.channels',
  inputDeviceId: 'audio.inputDeviceId',
  echoCancellation: 'audio.processing.echoCancellation',
  noiseSuppression: 'audio.processing.noiseSuppression',
  autoGainControl: 'audio.processing.autoGainControl',
  recordingEnabled: 'recording.enabled',
  recordingFolder: 'recording.folder',
  muteToggle: 'shortcuts.muteToggle',
  pushToTalk: 'shortcuts.pushToTalk',
};
