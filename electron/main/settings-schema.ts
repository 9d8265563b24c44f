import { z } from 'zod';
import { ConfigError, parseEngineConfig, type EndpointConfig, type EngineConfig } from '../engine/config';
import { FailoverRuleConfigSchema } from '../shared/failover';
import {
  AudioSettingsSchema,
  DEFAULT_SHORTCUTS,
  RecordingSettingsSchema,
  ShortcutSettingsSchema,
  type AudioSettings,
  type RecordingSettings,
  type ShortcutSettings,
} from '../shared/settings';
import type { SecretVault } from './secret-vault';
import { decodeUserinfo } from '../shared/url-text';

/*
 * The desktop settings file (settings.json in the user data folder), version by version:
 *   v1  the engine config as written by hand (config.json, or settings.json with "schemaVersion": 1):
 *       secrets in plain text, inside URLs and fields.
 *   v2  the same space, every secret sealed with the OS keychain ({ "sealed": base64 }), URL
 *       credentials split out of the URLs and sealed, plus global shortcuts.
 *   v3  what the settings screen saves besides: the other saved spaces (sealed the same way), the
 *       audio and recording settings, and the space's failover rule. Absent parts mean "none" /
 *       "the defaults", so a v2 file is a v3 file with a new number.
 * Reading goes through `migrateToCurrent`, one step per version; the engine still validates the
 * opened config with its own schema (engine/config.ts), so the rules of a valid space live once.
 */

/** The version this build writes. */
export const SETTINGS_SCHEMA_VERSION = 3;

export { DEFAULT_SHORTCUTS, ShortcutSettingsSchema, type ShortcutSettings } from '../shared/settings';

/** The settings as the app uses them: secrets in memory only. Optional parts are left out when absent. */
export interface DesktopSettings {
  config: EngineConfig;
  shortcuts: ShortcutSettings;
  /** The settings screen's other spaces, in its order (the one the app runs is `config.space`); absent: none. */
  savedSpaces?: EngineConfig['space'][];
  /** Absent: the engine's defaults. */
  audio?: AudioSettings;
  /** Absent: the safety recording on, into the user data folder's `recordings`. */
  recording?: RecordingSettings;
}

/** The settings of a new installation. */
export function defaultSettings(): DesktopSettings {
  return { config: parseEngineConfig({}, 'the default settings'), shortcuts: { ...DEFAULT_SHORTCUTS } };
}

/** A secret as stored: encrypted by the OS keychain, base64. */
const SealedSchema = z.strictObject({ sealed: z.string().min(1).max(16_384) });
type Sealed = z.infer<typeof SealedSchema>;
/** A URL stored without its user name and password. */
const BareUrlSchema = z.string().max(2048);

const StoredEndpointSchema = z.strictObject({
  janus: z.strictObject({
    url: BareUrlSchema,
    urlCredentials: SealedSchema.optional(),
    apiSecret: SealedSchema.optional(),
    tokenSecret: SealedSchema.optional(),
    adminKey: SealedSchema.optional(),
    room: z.strictObject({ id: z.number(), secret: SealedSchema, pin: SealedSchema.optional() }).optional(),
  }),
  icecast: z.strictObject({
    mountUrl: BareUrlSchema,
    mountCredentials: SealedSchema.optional(),
    statsUrl: BareUrlSchema.optional(),
    statsCredentials: SealedSchema.optional(),
    fallbackMounts: z.array(z.string().max(256)).max(8).optional(),
  }),
});
type StoredEndpoint = z.infer<typeof StoredEndpointSchema>;

/** settings.json, version 2. */
export const StoredSettingsV2Schema = z.strictObject({
  schemaVersion: z.literal(2),
  space: z.strictObject({
    name: z.string().max(200),
    primary: StoredEndpointSchema.optional(),
    backup: StoredEndpointSchema.optional(),
  }),
  shortcuts: ShortcutSettingsSchema,
});
export type StoredSettingsV2 = z.infer<typeof StoredSettingsV2Schema>;

/** A space as stored from version 3: its endpoints sealed, and its failover rule. */
const StoredSpaceSchema = z.strictObject({
  name: z.string().max(200),
  primary: StoredEndpointSchema.optional(),
  backup: StoredEndpointSchema.optional(),
  failover: FailoverRuleConfigSchema.optional(),
});
type StoredSpace = z.infer<typeof StoredSpaceSchema>;

/** settings.json, version 3. */
export const StoredSettingsV3Schema = z.strictObject({
  schemaVersion: z.literal(3),
  /** The space the app runs. */
  space: StoredSpaceSchema,
  /** The settings screen's other spaces, in its order. */
  savedSpaces: z.array(StoredSpaceSchema).max(99).optional(),
  audio: AudioSettingsSchema.optional(),
  recording: RecordingSettingsSchema.optional(),
  shortcuts: ShortcutSettingsSchema,
});
export type StoredSettingsV3 = z.infer<typeof StoredSettingsV3Schema>;

/** A settings file that cannot be used, with every problem (never a secret value). */
export class SettingsError extends Error {
  constructor(
    readonly problems: string[],
    /** True when the file itself is damaged (moved aside); false when it is fine but unusable here (kept in place). */
    readonly damaged: boolean,
  ) {
    super(problems.join('; '));
    this.name = 'SettingsError';
  }
}

/** The file's version: a number, or 1 for a hand-written config without one. */
export function versionOf(input: unknown): number | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return null;
  const version = (input as Record<string, unknown>)['schemaVersion'];
  if (version === undefined) return 1;
  return typeof version === 'number' && Number.isInteger(version) && version >= 1 ? version : null;
}

/**
 * Brings any known version up to {@link SETTINGS_SCHEMA_VERSION}, one step at a time. Throws a
 * damaged {@link SettingsError} for a file that is no settings at all, and a not-damaged one for a
 * newer version (written by a later Steadycast: kept as it is).
 */
export function migrateToCurrent(input: unknown, vault: SecretVault): { stored: StoredSettingsV3; from: number } {
  const from = versionOf(input);
  if (from === null) throw new SettingsError(['the file is not a settings object with a whole-number "schemaVersion"'], true);
  if (from > SETTINGS_SCHEMA_VERSION) {
    throw new SettingsError(
      [
        `it was written by a newer Steadycast (settings version ${from}; this one reads up to ${SETTINGS_SCHEMA_VERSION}): update Steadycast`,
      ],
      false,
    );
  }
  let current: unknown = input;
  for (let version = from; version < SETTINGS_SCHEMA_VERSION; version += 1) current = MIGRATIONS[version]?.(current, vault);
  const parsed = StoredSettingsV3Schema.safeParse(current);
  if (!parsed.success)
    throw new SettingsError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`),
      true,
    );
  return { stored: parsed.data, from };
}

/** One step per version: MIGRATIONS[n] turns version n into version n + 1. */
const MIGRATIONS: Partial<Record<number, (input: unknown, vault: SecretVault) => unknown>> = {
  1: (input, vault) => {
    const { schemaVersion: _ignored, ...config } = input as Record<string, unknown>;
    let engineConfig: EngineConfig;
    try {
      engineConfig = parseEngineConfig(config, 'settings');
    } catch (error) {
      if (error instanceof ConfigError) throw new SettingsError(error.problems, true);
      throw error;
    }
    // Sealed as this version writes it (a failover rule in the config is kept): the steps after only renumber it.
    return { ...sealSettings({ config: engineConfig, shortcuts: { ...DEFAULT_SHORTCUTS } }, vault), schemaVersion: 2 };
  },
  // Everything version 3 adds is optional: the same file with a new number.
  2: (input) => ({ ...(input as Record<string, unknown>), schemaVersion: 3 }),
};

/** The settings as written to disk: every secret sealed (throws SecretsUnavailableError when the vault cannot seal them). */
export function sealSettings(settings: DesktopSettings, vault: SecretVault): StoredSettingsV3 {
  const saved = settings.savedSpaces ?? [];
  return {
    schemaVersion: 3,
    space: sealSpace(settings.config.space, vault),
    ...(saved.length > 0 ? { savedSpaces: saved.map((space) => sealSpace(space, vault)) } : {}),
    ...(settings.audio ? { audio: structuredClone(settings.audio) } : {}),
    ...(settings.recording ? { recording: { ...settings.recording } } : {}),
    shortcuts: { ...settings.shortcuts },
  };
}

function sealSpace(space: EngineConfig['space'], vault: SecretVault): StoredSpace {
  return {
    name: space.name,
    ...(space.primary ? { primary: sealEndpoint(space.primary, vault) } : {}),
    ...(space.backup ? { backup: sealEndpoint(space.backup, vault) } : {}),
    ...(space.failover ? { failover: structuredClone(space.failover) } : {}),
  };
}

/** The settings from disk, secrets opened and every space validated by the engine's schema. */
export function openSettings(stored: StoredSettingsV3, vault: SecretVault): DesktopSettings {
  const problems: string[] = [];
  const open = (sealed: Sealed | undefined, where: string): string | undefined => {
    if (sealed === undefined) return undefined;
    try {
      return vault.open(sealed.sealed);
    } catch {
      problems.push(
        `${where}: the secret cannot be decrypted on this system (the settings were saved under another user account or keychain, or the keychain is locked)`,
      );
      return undefined;
    }
  };
  const openSpace = (storedSpace: StoredSpace, where: string): Record<string, unknown> => {
    const space: Record<string, unknown> = { name: storedSpace.name, ...(storedSpace.failover ? { failover: storedSpace.failover } : {}) };
    for (const name of ['primary', 'backup'] as const) {
      const endpoint = storedSpace[name];
      if (endpoint) space[name] = openEndpoint(endpoint, (sealed, field) => open(sealed, `${where}.${name}.${field}`));
    }
    return space;
  };
  const space = openSpace(stored.space, 'space');
  const savedSpaces = (stored.savedSpaces ?? []).map((saved, index) => openSpace(saved, `savedSpaces.${index}`));
  if (problems.length > 0) throw new SettingsError(problems, false);
  try {
    return {
      config: parseEngineConfig({ space }, 'settings'),
      shortcuts: stored.shortcuts,
      ...(savedSpaces.length > 0
        ? { savedSpaces: savedSpaces.map((saved, index) => parseEngineConfig({ space: saved }, `settings (savedSpaces.${index})`).space) }
        : {}),
      ...(stored.audio ? { audio: stored.audio } : {}),
      ...(stored.recording ? { recording: stored.recording } : {}),
    };
  } catch (error) {
    if (error instanceof ConfigError) throw new SettingsError(error.problems, true);
    throw error;
  }
}

/** True when the settings hold anything that must be sealed. */
export function hasSecrets(settings: DesktopSettings): boolean {
  return settingsSecretValues(settings).length > 0;
}

/** Every secret value of the settings, the saved spaces' included (for the log redactor). */
export function settingsSecretValues(settings: DesktopSettings): string[] {
  return [
    ...new Set([settings.config, ...(settings.savedSpaces ?? []).map((space) => ({ space }))].flatMap((config) => secretValues(config))),
  ];
}

/** Every secret value of a config (for the log redactor): passwords, room secrets and PINs, API secrets, admin keys. */
export function secretValues(config: EngineConfig): string[] {
  const values: string[] = [];
  for (const endpoint of [config.space.primary, config.space.backup]) {
    if (!endpoint) continue;
    const { janus, icecast } = endpoint;
    for (const url of [janus.url, icecast.mountUrl, icecast.statsUrl]) {
      const credentials = url === undefined ? null : splitCredentials(url).credentials;
      if (credentials === null) continue;
      const [user = '', ...password] = credentials.split(':');
      if (password.length > 0 && password.join(':') !== '') values.push(decodeUserinfo(password.join(':')), password.join(':'));
      else if (user !== '') values.push(decodeUserinfo(user));
    }
    for (const value of [janus.apiSecret, janus.tokenSecret, janus.adminKey, janus.room?.secret, janus.room?.pin])
      if (value !== undefined) values.push(value);
  }
  return [...new Set(values.filter((value) => value.length > 0))];
}

/** The settings for a support bundle: the shape and every non-secret value, each secret only as "set". */
export function redactedSettings(settings: DesktopSettings): unknown {
  const endpoint = (config: EndpointConfig | undefined): unknown =>
    config && {
      janus: {
        url: splitCredentials(config.janus.url).url,
        apiSecret: config.janus.apiSecret === undefined ? undefined : '(set)',
        tokenSecret: config.janus.tokenSecret === undefined ? undefined : '(set)',
        adminKey: config.janus.adminKey === undefined ? undefined : '(set)',
        room: config.janus.room && {
          id: config.janus.room.id,
          secret: '(set)',
          pin: config.janus.room.pin === undefined ? undefined : '(set)',
        },
      },
      icecast: {
        mountUrl: splitCredentials(config.icecast.mountUrl).url,
        mountCredentials: splitCredentials(config.icecast.mountUrl).credentials === null ? undefined : '(set)',
        statsUrl: config.icecast.statsUrl === undefined ? undefined : splitCredentials(config.icecast.statsUrl).url,
        fallbackMounts: config.icecast.fallbackMounts,
      },
    };
  const space = (config: EngineConfig['space']): unknown => ({
    name: config.name,
    primary: endpoint(config.primary),
    backup: endpoint(config.backup),
    failover: config.failover,
  });
  return {
    schemaVersion: SETTINGS_SCHEMA_VERSION,
    space: space(settings.config.space),
    savedSpaces: settings.savedSpaces?.map(space),
    audio: settings.audio,
    recording: settings.recording,
    shortcuts: settings.shortcuts,
  };
}

/** A URL without its user name and password, and those as `user:password` (URL-encoded as in the URL), or null. */
export function splitCredentials(input: string): { url: string; credentials: string | null } {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return { url: input, credentials: null };
  }
  if (url.username === '' && url.password === '') return { url: input, credentials: null };
  const credentials = url.password === '' ? url.username : `${url.username}:${url.password}`;
  url.username = '';
  url.password = '';
  return { url: url.toString(), credentials };
}

/** The URL with `user:password` put back. */
function joinCredentials(bare: string, credentials: string | undefined): string {
  if (credentials === undefined) return bare;
  let url: URL;
  try {
    url = new URL(bare);
  } catch {
    return bare;
  }
  const colon = credentials.indexOf(':');
  url.username = colon === -1 ? credentials : credentials.slice(0, colon);
  if (colon !== -1) url.password = credentials.slice(colon + 1);
  return url.toString();
}

function sealEndpoint(endpoint: EndpointConfig, vault: SecretVault): StoredEndpoint {
  const seal = (value: string | null | undefined): Sealed | undefined =>
    value === null || value === undefined ? undefined : { sealed: vault.seal(value) };
  const janusUrl = splitCredentials(endpoint.janus.url);
  const mount = splitCredentials(endpoint.icecast.mountUrl);
  const stats = endpoint.icecast.statsUrl === undefined ? null : splitCredentials(endpoint.icecast.statsUrl);
  const room = endpoint.janus.room;
  return {
    janus: dropUndefined({
      url: janusUrl.url,
      urlCredentials: seal(janusUrl.credentials),
      apiSecret: seal(endpoint.janus.apiSecret),
      tokenSecret: seal(endpoint.janus.tokenSecret),
      adminKey: seal(endpoint.janus.adminKey),
      room: room && dropUndefined({ id: room.id, secret: { sealed: vault.seal(room.secret) }, pin: seal(room.pin) }),
    }),
    icecast: dropUndefined({
      mountUrl: mount.url,
      mountCredentials: seal(mount.credentials),
      statsUrl: stats?.url,
      statsCredentials: seal(stats?.credentials),
      fallbackMounts: endpoint.icecast.fallbackMounts,
    }),
  };
}

function openEndpoint(endpoint: StoredEndpoint, open: (sealed: Sealed | undefined, field: string) => string | undefined): unknown {
  const { janus, icecast } = endpoint;
  return {
    janus: dropUndefined({
      url: joinCredentials(janus.url, open(janus.urlCredentials, 'janus.urlCredentials')),
      apiSecret: open(janus.apiSecret, 'janus.apiSecret'),
      tokenSecret: open(janus.tokenSecret, 'janus.tokenSecret'),
      adminKey: open(janus.adminKey, 'janus.adminKey'),
      room:
        janus.room &&
        dropUndefined({
          id: janus.room.id,
          secret: open(janus.room.secret, 'janus.room.secret'),
          pin: open(janus.room.pin, 'janus.room.pin'),
        }),
    }),
    icecast: dropUndefined({
      mountUrl: joinCredentials(icecast.mountUrl, open(icecast.mountCredentials, 'icecast.mountCredentials')),
      statsUrl:
        icecast.statsUrl === undefined
          ? undefined
          : joinCredentials(icecast.statsUrl, open(icecast.statsCredentials, 'icecast.statsCredentials')),
      fallbackMounts: icecast.fallbackMounts,
    }),
  };
}

/** The object without its undefined fields (an absent optional field, as JSON writes it). */
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
