import type { SettingsView } from '../../electron/shared/settings';
import { IDLE_REQUEST, requestError, runRequest, type Request, type RequestSlot } from './request';
import type { AppSlice, AppState, StoreDeps } from './store-types';
import {
  generalDraft,
  spaceDraft,
  validateGeneral,
  validateSpace,
  type EndpointField,
  type FieldErrors,
  type GeneralDraft,
  type SpaceDraft,
} from './settings-form';
import { describeError } from '../../electron/shared/describe-error';

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
  /** The save (failed: the engine's refusal, as it said it). */
  readonly save: Request;
}

/** The general form (audio, recording, shortcuts). */
export interface GeneralEditor {
  readonly draft: GeneralDraft;
  readonly errors: FieldErrors;
  /** The save; done (saved) until the next change. */
  readonly save: Request;
}

/** A duplicate or delete of one saved space. */
export type SpaceRequest =
  { readonly status: 'idle' } | { readonly status: 'sending'; readonly id: string } | { readonly status: 'failed'; readonly error: string };

/** The settings part of the store. */
export interface SettingsState {
  readonly open: boolean;
  readonly view: SettingsView | null;
  /** Reading the saved settings as the screen opens. */
  readonly load: Request;
  readonly editor: SpaceEditor | null;
  readonly general: GeneralEditor | null;
  /** The space waiting for the delete confirm. */
  readonly confirmingDelete: string | null;
  /** A duplicate or delete; one at a time. */
  readonly spaceRequest: SpaceRequest;
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

const CLOSED: SettingsState = {
  open: false,
  view: null,
  load: IDLE_REQUEST,
  editor: null,
  general: null,
  confirmingDelete: null,
  spaceRequest: IDLE_REQUEST,
};

/** Whether the settings screen is shown. */
export const selectSettingsOpen = (state: AppState): boolean => state.settings.open;

/** Why reading, duplicating or deleting failed, or null (at most one of them failed: each new request clears the other's failure). */
export const selectSettingsError = (state: AppState): string | null =>
  requestError(state.settings.load) ?? requestError(state.settings.spaceRequest);

/** Creates the settings slice. */
export const createSettingsSlice =
  (deps: Pick<StoreDeps, 'bridge'>): AppSlice<SettingsSlice> =>
  (set, get) => {
    const bridge = deps.bridge.api;
    const patch = (change: Partial<SettingsState>): void => set((current) => ({ settings: { ...current.settings, ...change } }));
    const patchEditor = (change: Partial<SpaceEditor>): void =>
      set((current) =>
        current.settings.editor ? { settings: { ...current.settings, editor: { ...current.settings.editor, ...change } } } : {},
      );
    const patchGeneral = (change: Partial<GeneralEditor>): void =>
      set((current) =>
        current.settings.general ? { settings: { ...current.settings, general: { ...current.settings.general, ...change } } } : {},
      );
    /** The screen's one error line belongs to the last request: a new one (or a new view) clears it. */
    const withoutFailures = (settings: SettingsState): Pick<SettingsState, 'load' | 'spaceRequest'> => ({
      load: settings.load.status === 'failed' ? IDLE_REQUEST : settings.load,
      spaceRequest: settings.spaceRequest.status === 'failed' ? IDLE_REQUEST : settings.spaceRequest,
    });
    /** A new view from the engine; the general form follows it unless it has unsaved changes. */
    const receive = (view: SettingsView, resetGeneral: boolean): void =>
      set((current) => ({
        settings: {
          ...current.settings,
          ...withoutFailures(current.settings),
          view,
          general:
            resetGeneral || current.settings.general === null
              ? { draft: generalDraft(view.general), errors: {}, save: IDLE_REQUEST }
              : current.settings.general,
        },
      }));
    const editorSave: RequestSlot<void> = {
      read: () => get().settings.editor?.save ?? IDLE_REQUEST,
      write: (save) => patchEditor({ save }),
      failure: (reason) => `Could not save the space: ${reason}`,
    };
    const generalSave: RequestSlot<void> = {
      read: () => get().settings.general?.save ?? IDLE_REQUEST,
      write: (save) => patchGeneral({ save }),
      failure: (reason) => `Could not save: ${reason}`,
    };
    const withoutError = (errors: FieldErrors, key: string): FieldErrors =>
      Object.fromEntries(Object.entries(errors).filter(([path]) => path !== key));

    return {
      settings: CLOSED,

      async openSettings() {
        patch({ open: true, ...withoutFailures(get().settings) });
        // The microphone list for the device choice (where this window has a media layer).
        void get()
          .refreshMicrophones()
          .catch(() => undefined);
        await runRequest(
          {
            read: () => get().settings.load,
            write: (load) => patch({ load }),
            failure: (reason) => `Could not read the settings: ${reason}`,
            // Opening again reads again.
            repeatable: true,
          },
          async () => receive(await bridge.invoke('settings:get', {}), true),
        );
      },

      closeSettings() {
        set({ settings: CLOSED });
      },

      newSpace() {
        patch({ editor: { id: null, draft: spaceDraft(null), errors: {}, save: IDLE_REQUEST }, confirmingDelete: null });
      },

      editSpace(id) {
        const view = get().settings.view?.spaces.find((space) => space.id === id) ?? null;
        if (view === null) return;
        patch({ editor: { id, draft: spaceDraft(view), errors: {}, save: IDLE_REQUEST }, confirmingDelete: null });
      },

      cancelSpaceEdit() {
        patch({ editor: null });
      },

      setSpaceField(endpoint, field, value) {
        const editor = get().settings.editor;
        if (!editor) return;
        const draft: SpaceDraft =
          endpoint === null
            ? { ...editor.draft, name: value }
            : { ...editor.draft, [endpoint]: { ...editor.draft[endpoint], [field]: value } };
        patchEditor({
          draft,
          errors: withoutError(editor.errors, endpoint === null ? 'name' : `${endpoint}.${field}`),
          save: editor.save.status === 'failed' ? IDLE_REQUEST : editor.save,
        });
      },

      setHasBackup(hasBackup) {
        const editor = get().settings.editor;
        if (!editor) return;
        const errors = hasBackup
          ? editor.errors
          : Object.fromEntries(Object.entries(editor.errors).filter(([path]) => !path.startsWith('backup.')));
        patchEditor({ draft: { ...editor.draft, hasBackup }, errors });
      },

      async saveSpace() {
        const editor = get().settings.editor;
        if (!editor || editor.save.status === 'sending') return;
        const checked = validateSpace(editor.draft);
        if (!checked.ok) {
          patchEditor({ errors: checked.errors, save: IDLE_REQUEST });
          return;
        }
        patchEditor({ errors: {} });
        const saved = await runRequest(editorSave, async () =>
          receive(await bridge.invoke('settings:save-space', { id: editor.id, space: checked.form }), false),
        );
        if (saved?.status === 'done') patch({ editor: null });
      },

      async duplicateSpace(id) {
        await spaceRequest(id, 'duplicate', (bridge) => bridge.invoke('settings:duplicate-space', { id }));
      },

      async runSpace(id) {
        await spaceRequest(id, 'use', (bridge) => bridge.invoke('settings:use-space', { id }));
      },

      askDeleteSpace(id) {
        patch({ confirmingDelete: id, ...withoutFailures(get().settings) });
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
        patchGeneral({ draft: { ...general.draft, [field]: value }, errors: withoutError(general.errors, path), save: IDLE_REQUEST });
      },

      async saveGeneral() {
        const general = get().settings.general;
        if (!general || general.save.status === 'sending') return;
        const checked = validateGeneral(general.draft);
        if (!checked.ok) {
          // A refusal from the engine stays until the next change; "Saved." does not.
          patchGeneral({ errors: checked.errors, save: general.save.status === 'done' ? IDLE_REQUEST : general.save });
          return;
        }
        patchGeneral({ errors: {} });
        // Saved: the form starts again from what the engine keeps (receive), and says so until the next change.
        await runRequest(generalSave, async () => receive(await bridge.invoke('settings:save-general', checked.general), true));
      },
    };

    async function spaceRequest(
      id: string,
      what: 'duplicate' | 'delete' | 'use',
      send: (api: StoreDeps['bridge']['api']) => Promise<SettingsView>,
    ): Promise<void> {
      if (get().settings.spaceRequest.status === 'sending') return;
      patch({ ...withoutFailures(get().settings), spaceRequest: { status: 'sending', id } });
      try {
        const view = await send(bridge);
        patch({ spaceRequest: IDLE_REQUEST });
        receive(view, false);
      } catch (error) {
        patch({ spaceRequest: { status: 'failed', error: `Could not ${what} the space: ${describeError(error)}` } });
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
