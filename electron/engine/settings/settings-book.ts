import type { EndpointForm, GeneralSettings, SettingsView, SpaceForm, SpaceView, EndpointView } from '../../shared/settings';
import { DEFAULT_SHORTCUTS } from '../../shared/settings';
import { EndpointConfigSchema, type EndpointConfig, type EngineConfig } from '../config';
import { EngineCommandError } from '../engine-errors';

/*
 * The spaces and general settings a UI edits through `settings:*`. Secrets stay here: a view says
 * only whether each is set, and a save with a null secret keeps the stored one. Every saved space
 * is validated by the engine's own endpoint schema. The space the engine was started with is the
 * active one and cannot be deleted.
 */

/** A saved space with its secrets. */
interface StoredSpace {
  readonly id: string;
  readonly name: string;
  readonly primary: EndpointConfig | undefined;
  readonly backup: EndpointConfig | undefined;
}

/** What the book starts from. */
export interface SettingsBookOptions {
  readonly config: EngineConfig;
  /** Where shows are recorded now (the headless `--recordings` folder or the app's). */
  readonly recordingsDir?: string | undefined;
  /** Called after every change, with the whole book (for a store that persists it). */
  readonly onChange?: (spaces: readonly StoredSpace[], general: GeneralSettings) => void;
}

/** The most spaces one installation keeps. */
const MAX_SPACES = 100;

/** The settings of this engine: saved spaces and audio, recording and shortcut settings. */
export class SettingsBook {
  private spaces: StoredSpace[];
  private general: GeneralSettings;
  private nextId = 2;
  private readonly activeId = 'space-1';

  constructor(private readonly options: SettingsBookOptions) {
    const { space } = options.config;
    this.spaces = [{ id: this.activeId, name: space.name, primary: space.primary, backup: space.backup }];
    this.general = {
      audio: { bitrateKbps: 128, channels: 2, inputDeviceId: null, processing: { echoCancellation: true, noiseSuppression: true, autoGainControl: true } },
      recording: { enabled: options.recordingsDir !== undefined, folder: options.recordingsDir ?? '' },
      shortcuts: { ...DEFAULT_SHORTCUTS },
    };
  }

  /** Everything a UI shows, secrets as "set" only. */
  view(): SettingsView {
    return { activeSpaceId: this.activeId, spaces: this.spaces.map(viewOf), general: structuredClone(this.general) };
  }

  /** Creates a space (`id` null) or replaces one; null secrets keep the stored ones. */
  saveSpace(id: string | null, form: SpaceForm): SettingsView {
    const existing = id === null ? undefined : this.find(id);
    if (id === null && this.spaces.length >= MAX_SPACES) throw new EngineCommandError(`There are already ${MAX_SPACES} spaces: delete one you no longer use first.`);
    const space: StoredSpace = {
      id: existing?.id ?? this.newId(),
      name: form.name,
      primary: endpointOf(form.primary, existing?.primary, 'Primary'),
      backup: form.backup === null ? undefined : endpointOf(form.backup, existing?.backup, 'Backup'),
    };
    this.spaces = existing ? this.spaces.map((candidate) => (candidate.id === space.id ? space : candidate)) : [...this.spaces, space];
    return this.changed();
  }

  /** Copies a space (secrets included) under "<name> (copy)". */
  duplicateSpace(id: string): SettingsView {
    const source = this.find(id);
    if (this.spaces.length >= MAX_SPACES) throw new EngineCommandError(`There are already ${MAX_SPACES} spaces: delete one you no longer use first.`);
    const copy: StoredSpace = { ...structuredClone(source), id: this.newId(), name: `${source.name} (copy)`.slice(0, 200) };
    const index = this.spaces.indexOf(source);
    this.spaces = [...this.spaces.slice(0, index + 1), copy, ...this.spaces.slice(index + 1)];
    return this.changed();
  }

  /** Deletes a space; the active one is refused. */
  deleteSpace(id: string): SettingsView {
    const space = this.find(id);
    if (space.id === this.activeId) throw new EngineCommandError(`"${space.name}" is the space this engine runs now, so it cannot be deleted. Start Steadycast with another space first.`);
    this.spaces = this.spaces.filter((candidate) => candidate !== space);
    return this.changed();
  }

  /** Replaces the audio, recording and shortcut settings. */
  saveGeneral(general: GeneralSettings): SettingsView {
    this.general = structuredClone(general);
    return this.changed();
  }

  private find(id: string): StoredSpace {
    const space = this.spaces.find((candidate) => candidate.id === id);
    if (!space) throw new EngineCommandError('That space no longer exists (deleted in another window?): reopen the settings.');
    return space;
  }

  private newId(): string {
    return `space-${this.nextId++}`;
  }

  private changed(): SettingsView {
    this.options.onChange?.(this.spaces, this.general);
    return this.view();
  }
}

/** A form's endpoint as the engine's config, secrets from `stored` where the form keeps them. */
function endpointOf(form: EndpointForm, stored: EndpointConfig | undefined, label: string): EndpointConfig {
  const roomSecret = form.roomSecret ?? stored?.janus.room?.secret;
  if (roomSecret === undefined) throw new EngineCommandError(`${label} room secret: give one (at least 8 characters); this endpoint has none saved.`);
  const password = form.sourcePassword ?? (stored ? credentialsOf(stored.icecast.mountUrl).password : '');
  if (password === '') throw new EngineCommandError(`${label} source password: give the Icecast source password; this endpoint has none saved.`);
  const mount = new URL(form.mountUrl);
  mount.username = encodeURIComponent(form.sourceUser);
  mount.password = encodeURIComponent(password);
  const parsed = EndpointConfigSchema.safeParse({
    janus: {
      ...(stored?.janus.apiSecret !== undefined ? { apiSecret: stored.janus.apiSecret } : {}),
      ...(stored?.janus.adminKey !== undefined ? { adminKey: stored.janus.adminKey } : {}),
      url: form.janusUrl,
      room: { id: form.roomId, secret: roomSecret, ...(form.roomPin !== '' ? { pin: form.roomPin } : {}) },
    },
    icecast: { ...stored?.icecast, mountUrl: mount.toString() },
  });
  if (!parsed.success) throw new EngineCommandError(`${label}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}.`);
  return parsed.data;
}

/** User name and password of a URL, decoded ('' when absent). */
function credentialsOf(url: string): { user: string; password: string } {
  try {
    const parsed = new URL(url);
    return { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) };
  } catch {
    return { user: '', password: '' };
  }
}

function endpointView(endpoint: EndpointConfig | undefined): EndpointView | null {
  if (!endpoint) return null;
  const { user, password } = credentialsOf(endpoint.icecast.mountUrl);
  const bare = new URL(endpoint.icecast.mountUrl);
  bare.username = '';
  bare.password = '';
  return {
    janusUrl: endpoint.janus.url,
    roomId: endpoint.janus.room?.id ?? 0,
    roomSecretSet: endpoint.janus.room?.secret !== undefined,
    roomPin: endpoint.janus.room?.pin ?? '',
    mountUrl: bare.toString(),
    sourceUser: user,
    sourcePasswordSet: password !== '',
  };
}

function viewOf(space: StoredSpace): SpaceView {
  return { id: space.id, name: space.name, primary: endpointView(space.primary), backup: endpointView(space.backup) };
}
