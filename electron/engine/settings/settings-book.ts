import type { EndpointForm, GeneralSettings, SettingsView, SpaceForm, SpaceView, EndpointView } from '../../shared/settings';
import { DEFAULT_AUDIO_SETTINGS, DEFAULT_SHORTCUTS } from '../../shared/settings';
import { EndpointConfigSchema, type EndpointConfig, type EngineConfig } from '../config';
import { EngineCommandError } from '../engine-errors';
import { describeError } from '../../shared/describe-error';

/*
 * The spaces and general settings a UI edits through `settings:*`. Secrets stay here: a view says
 * only whether each is set, and a save with a null secret keeps the stored one. Every saved space
 * is validated by the engine's own endpoint schema. The space the engine runs is the active one
 * (always first: the one it was started with, or the one chosen since) and cannot be deleted.
 *
 * With a store (the desktop app's settings file), a change is made only once the store has kept
 * it: a refused save leaves the book as it was and says why. Changes run one at a time.
 */

/** A space with its secrets, as the engine runs it (name, endpoints, failover rule). */
export type SpaceConfig = EngineConfig['space'];

/** A saved space with its secrets. */
interface StoredSpace {
  readonly id: string;
  readonly name: string;
  readonly primary: EndpointConfig | undefined;
  readonly backup: EndpointConfig | undefined;
  readonly failover?: SpaceConfig['failover'];
  readonly loudness?: SpaceConfig['loudness'];
}

/** What a book starts from besides the running space: the other saved spaces, in order, and saved general settings. */
export interface SavedSettings {
  readonly spaces: readonly SpaceConfig[];
  /** Each part absent: the defaults. */
  readonly general?: Partial<GeneralSettings>;
}

/** The whole book as a store keeps it, secrets included. */
export interface SettingsSnapshot {
  /** The space the engine runs (the first of the list). */
  readonly running: SpaceConfig;
  /** The other saved spaces, in the list's order. */
  readonly others: readonly SpaceConfig[];
  readonly general: GeneralSettings;
}

/** Where a book keeps its changes across restarts. */
export interface SettingsBookStore {
  /** Writes the whole book; rejects with a message that says what to do when it cannot (the change is then not made). */
  save(snapshot: SettingsSnapshot): Promise<void>;
}

/** What the book starts from. */
export interface SettingsBookOptions {
  readonly config: EngineConfig;
  /** Where shows are recorded now (the headless `--recordings` folder or the app's); the default recording folder. */
  readonly recordingsDir?: string | undefined;
  /** Saved spaces and settings from an earlier run. */
  readonly saved?: SavedSettings | undefined;
  /** Keeps every change (the desktop app's settings file); without it the book lives in memory. */
  readonly store?: SettingsBookStore | undefined;
  /** Called after every change that was made, with the general settings. */
  readonly onChange?: (general: GeneralSettings) => void;
}

/** The most spaces one installation keeps. */
const MAX_SPACES = 100;

/** The settings of this engine: saved spaces and audio, recording and shortcut settings. */
export class SettingsBook {
  private spaces: StoredSpace[];
  private general: GeneralSettings;
  private nextId = 2;
  /** The space the engine runs is always the first of the list. */
  private get activeId(): string {
    return this.spaces[0]?.id ?? 'space-1';
  }
  /** The change being made now; the next one waits for it. */
  private changing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: SettingsBookOptions) {
    const { space } = options.config;
    this.spaces = [
      { id: 'space-1', ...storedOf(space) },
      ...(options.saved?.spaces ?? []).slice(0, MAX_SPACES - 1).map((saved) => ({ id: this.newId(), ...storedOf(saved) })),
    ];
    const general = options.saved?.general;
    this.general = structuredClone({
      audio: general?.audio ?? DEFAULT_AUDIO_SETTINGS,
      recording: general?.recording ?? { enabled: options.recordingsDir !== undefined, folder: options.recordingsDir ?? '' },
      shortcuts: general?.shortcuts ?? DEFAULT_SHORTCUTS,
    });
  }

  /** Everything a UI shows, secrets as "set" only. */
  view(): SettingsView {
    return { activeSpaceId: this.activeId, spaces: this.spaces.map(viewOf), general: structuredClone(this.general) };
  }

  /** The audio, recording and shortcut settings (a copy). */
  generalSettings(): GeneralSettings {
    return structuredClone(this.general);
  }

  /** Creates a space (`id` null) or replaces one; null secrets keep the stored ones. */
  saveSpace(id: string | null, form: SpaceForm): Promise<SettingsView> {
    return this.change(() => {
      const existing = id === null ? undefined : this.find(id);
      if (id === null && this.spaces.length >= MAX_SPACES)
        throw new EngineCommandError(`There are already ${MAX_SPACES} spaces: delete one you no longer use first.`);
      const space: StoredSpace = {
        id: existing?.id ?? this.newId(),
        name: form.name,
        primary: endpointOf(form.primary, existing?.primary, 'Primary'),
        backup: form.backup === null ? undefined : endpointOf(form.backup, existing?.backup, 'Backup'),
        // The form does not edit the failover rule: a saved space keeps its own.
        ...(existing?.failover !== undefined ? { failover: existing.failover } : {}),
        // Nor the loudness chain (set in the space's config file): a saved space keeps its own.
        ...(existing?.loudness !== undefined ? { loudness: existing.loudness } : {}),
      };
      return {
        spaces: existing ? this.spaces.map((candidate) => (candidate.id === space.id ? space : candidate)) : [...this.spaces, space],
      };
    });
  }

  /** Copies a space (secrets included) under "<name> (copy)". */
  duplicateSpace(id: string): Promise<SettingsView> {
    return this.change(() => {
      const source = this.find(id);
      if (this.spaces.length >= MAX_SPACES)
        throw new EngineCommandError(`There are already ${MAX_SPACES} spaces: delete one you no longer use first.`);
      const copy: StoredSpace = { ...structuredClone(source), id: this.newId(), name: `${source.name} (copy)`.slice(0, 200) };
      const index = this.spaces.indexOf(source);
      return { spaces: [...this.spaces.slice(0, index + 1), copy, ...this.spaces.slice(index + 1)] };
    });
  }

  /** Deletes a space; the active one is refused. */
  deleteSpace(id: string): Promise<SettingsView> {
    return this.change(() => {
      const space = this.find(id);
      if (space.id === this.activeId)
        throw new EngineCommandError(
          `"${space.name}" is the space this engine runs now, so it cannot be deleted. Start Steadycast with another space first.`,
        );
      return { spaces: this.spaces.filter((candidate) => candidate !== space) };
    });
  }

  /** The id of the space the engine runs. */
  activeSpaceId(): string {
    return this.activeId;
  }

  /** A saved space as the engine runs it (secrets included). */
  spaceConfig(id: string): SpaceConfig {
    return configOf(this.find(id));
  }

  /** Makes a saved space the one in use (first in the list, kept as the running one). */
  makeActive(id: string): Promise<SettingsView> {
    return this.change(() => {
      const space = this.find(id);
      return { spaces: [space, ...this.spaces.filter((candidate) => candidate !== space)] };
    });
  }

  /** Replaces the audio, recording and shortcut settings. */
  saveGeneral(general: GeneralSettings): Promise<SettingsView> {
    return this.change(() => ({ general: structuredClone(general) }));
  }

  private find(id: string): StoredSpace {
    const space = this.spaces.find((candidate) => candidate.id === id);
    if (!space) throw new EngineCommandError('That space no longer exists (deleted in another window?): reopen the settings.');
    return space;
  }

  private newId(): string {
    return `space-${this.nextId++}`;
  }

  /**
   * Makes one change, after the one before it: `plan` decides it from the book as it is then (or
   * throws a refusal), the store keeps it, and only then does the book take it.
   */
  private change(plan: () => { spaces?: StoredSpace[]; general?: GeneralSettings }): Promise<SettingsView> {
    const run = this.changing.then(async () => {
      const planned = plan();
      const spaces = planned.spaces ?? this.spaces;
      const general = planned.general ?? this.general;
      if (this.options.store) {
        try {
          await this.options.store.save(snapshotOf(spaces, general));
        } catch (error) {
          throw new EngineCommandError(`${describeError(error)} Nothing was changed.`);
        }
      }
      this.spaces = spaces;
      this.general = general;
      this.options.onChange?.(structuredClone(general));
      return this.view();
    });
    this.changing = run.catch(() => undefined);
    return run;
  }
}

/** A space of the engine's config as the book keeps it. */
function storedOf(space: SpaceConfig): Omit<StoredSpace, 'id'> {
  const copy = structuredClone(space);
  return {
    name: copy.name,
    primary: copy.primary,
    backup: copy.backup,
    ...(copy.failover !== undefined ? { failover: copy.failover } : {}),
    ...(copy.loudness !== undefined ? { loudness: copy.loudness } : {}),
  };
}

/** A kept space as the engine's config (absent parts left out, as the config schema writes them). */
function configOf(space: StoredSpace): SpaceConfig {
  return structuredClone({
    name: space.name,
    ...(space.primary ? { primary: space.primary } : {}),
    ...(space.backup ? { backup: space.backup } : {}),
    ...(space.failover !== undefined ? { failover: space.failover } : {}),
    ...(space.loudness !== undefined ? { loudness: space.loudness } : {}),
  });
}

/** The book as a store keeps it. */
function snapshotOf(spaces: readonly StoredSpace[], general: GeneralSettings): SettingsSnapshot {
  const [running, ...others] = spaces;
  if (running === undefined) throw new Error('the settings book lost its running space');
  return { running: configOf(running), others: others.map(configOf), general: structuredClone(general) };
}

/** A form's endpoint as the engine's config, secrets from `stored` where the form keeps them. */
function endpointOf(form: EndpointForm, stored: EndpointConfig | undefined, label: string): EndpointConfig {
  const roomSecret = form.roomId === null ? undefined : (form.roomSecret ?? stored?.janus.room?.secret);
  if (form.roomId !== null && roomSecret === undefined)
    throw new EngineCommandError(`${label} room secret: give one (at least 8 characters); this endpoint has none saved.`);
  const password = form.sourcePassword ?? (stored ? credentialsOf(stored.icecast.mountUrl).password : '');
  if (password === '')
    throw new EngineCommandError(`${label} source password: give the Icecast source password; this endpoint has none saved.`);
  const mount = new URL(form.mountUrl);
  mount.username = encodeURIComponent(form.sourceUser);
  mount.password = encodeURIComponent(password);
  const parsed = EndpointConfigSchema.safeParse({
    janus: {
      ...(stored?.janus.apiSecret !== undefined ? { apiSecret: stored.janus.apiSecret } : {}),
      ...(stored?.janus.tokenSecret !== undefined ? { tokenSecret: stored.janus.tokenSecret } : {}),
      ...(stored?.janus.adminKey !== undefined ? { adminKey: stored.janus.adminKey } : {}),
      url: form.janusUrl,
      ...(form.roomId !== null
        ? { room: { id: form.roomId, secret: roomSecret, ...(form.roomPin !== '' ? { pin: form.roomPin } : {}) } }
        : {}),
    },
    icecast: { ...stored?.icecast, mountUrl: mount.toString() },
  });
  if (!parsed.success)
    throw new EngineCommandError(`${label}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}.`);
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
