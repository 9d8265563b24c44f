import {
  fieldErrors,
  GeneralSettingsSchema,
  SpaceFormSchema,
  type EndpointView,
  type GeneralSettings,
  type SpaceForm,
  type SpaceView,
} from '../../electron/shared/settings';

/*
 * The settings forms as the inputs hold them (text for numbers, an empty secret field meaning
 * "keep the saved one"), and their validation with the contract's own schemas, so each field gets
 * the message the engine would give. Pure: the store and the tests use these.
 */

/** One endpoint as its inputs hold it. */
export interface EndpointDraft {
  janusUrl: string;
  roomId: string;
  /** Typed here; empty keeps the saved secret (when one is saved). */
  roomSecret: string;
  readonly roomSecretSet: boolean;
  roomPin: string;
  mountUrl: string;
  sourceUser: string;
  /** Typed here; empty keeps the saved password (when one is saved). */
  sourcePassword: string;
  readonly sourcePasswordSet: boolean;
}

/** A space as the editor holds it. */
export interface SpaceDraft {
  name: string;
  primary: EndpointDraft;
  /** Whether the backup endpoint is filled in. */
  hasBackup: boolean;
  backup: EndpointDraft;
}

/** The general settings as their inputs hold them (empty shortcut: off). */
export interface GeneralDraft {
  bitrateKbps: string;
  channels: string;
  inputDeviceId: string;
  echoCancellation: boolean;
  noiseSuppression: boolean;
  autoGainControl: boolean;
  recordingEnabled: boolean;
  recordingFolder: string;
  muteToggle: string;
  pushToTalk: string;
}

/** A field of an endpoint draft that holds text. */
export type EndpointField = Exclude<keyof EndpointDraft, 'roomSecretSet' | 'sourcePasswordSet'>;

/** Per-field messages keyed by path ("name", "primary.janusUrl", "shortcuts.pushToTalk"). */
export type FieldErrors = Record<string, string>;

function endpointDraft(view: EndpointView | null): EndpointDraft {
  return {
    janusUrl: view?.janusUrl ?? '',
    roomId: view && view.roomId > 0 ? String(view.roomId) : '',
    roomSecret: '',
    roomSecretSet: view?.roomSecretSet ?? false,
    roomPin: view?.roomPin ?? '',
    mountUrl: view?.mountUrl ?? '',
    sourceUser: view?.sourceUser || 'source',
    sourcePassword: '',
    sourcePasswordSet: view?.sourcePasswordSet ?? false,
  };
}

/** The editor's start: a saved space, or an empty new one. */
export function spaceDraft(view: SpaceView | null): SpaceDraft {
  return {
    name: view?.name ?? '',
    primary: endpointDraft(view?.primary ?? null),
    hasBackup: (view?.backup ?? null) !== null,
    backup: endpointDraft(view?.backup ?? null),
  };
}

/** A whole number typed as text, or NaN (the schema then says what to type). */
function wholeNumber(text: string): number {
  return /^\s*\d+\s*$/u.test(text) ? Number(text) : Number.NaN;
}

function endpointInput(draft: EndpointDraft): unknown {
  return {
    janusUrl: draft.janusUrl.trim(),
    // No room number: an endpoint without a conversation room, which the engine runs too.
    roomId: draft.roomId.trim() === '' ? null : wholeNumber(draft.roomId),
    roomSecret: draft.roomId.trim() === '' || (draft.roomSecret === '' && draft.roomSecretSet) ? null : draft.roomSecret,
    roomPin: draft.roomPin,
    mountUrl: draft.mountUrl.trim(),
    sourceUser: draft.sourceUser,
    sourcePassword: draft.sourcePassword === '' && draft.sourcePasswordSet ? null : draft.sourcePassword,
  };
}

/** Validates a space draft: the form to save, or a message per bad field. */
export function validateSpace(draft: SpaceDraft): { ok: true; form: SpaceForm } | { ok: false; errors: FieldErrors } {
  const parsed = SpaceFormSchema.safeParse({
    name: draft.name,
    primary: endpointInput(draft.primary),
    backup: draft.hasBackup ? endpointInput(draft.backup) : null,
  });
  return parsed.success ? { ok: true, form: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

/** The general draft from saved settings. */
export function generalDraft(general: GeneralSettings): GeneralDraft {
  return {
    bitrateKbps: String(general.audio.bitrateKbps),
    channels: String(general.audio.channels),
    inputDeviceId: general.audio.inputDeviceId ?? '',
    echoCancellation: general.audio.processing.echoCancellation,
    noiseSuppression: general.audio.processing.noiseSuppression,
    autoGainControl: general.audio.processing.autoGainControl,
    recordingEnabled: general.recording.enabled,
    recordingFolder: general.recording.folder,
    muteToggle: general.shortcuts.muteToggle ?? '',
    pushToTalk: general.shortcuts.pushToTalk ?? '',
  };
}

/** Validates the general draft: the settings to save, or a message per bad field. */
export function validateGeneral(draft: GeneralDraft): { ok: true; general: GeneralSettings } | { ok: false; errors: FieldErrors } {
  const shortcut = (text: string): string | null => (text.trim() === '' ? null : text.trim());
  const parsed = GeneralSettingsSchema.safeParse({
    audio: {
      bitrateKbps: wholeNumber(draft.bitrateKbps),
      channels: wholeNumber(draft.channels),
      inputDeviceId: draft.inputDeviceId === '' ? null : draft.inputDeviceId,
      processing: {
        echoCancellation: draft.echoCancellation,
        noiseSuppression: draft.noiseSuppression,
        autoGainControl: draft.autoGainControl,
      },
    },
    recording: { enabled: draft.recordingEnabled, folder: draft.recordingFolder },
    shortcuts: { muteToggle: shortcut(draft.muteToggle), pushToTalk: shortcut(draft.pushToTalk) },
  });
  return parsed.success ? { ok: true, general: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}
