import { z } from 'zod';

/** The URL's scheme, or null when it is not a URL (the `.url()` check reports that case). */
function schemeOf(value: string): string | null {
  try {
    return new URL(value).protocol;
  } catch {
    return null;
  }
}

const wsUrl = z
  .string()
  .url('must be a URL such as ws://janus.example.org:8188')
  .refine((value) => schemeOf(value) === null || /^wss?:$/.test(schemeOf(value) ?? ''), 'must start with ws:// or wss:// (the Janus WebSocket transport)');

const httpUrl = z
  .string()
  .url('must be a URL such as http://source:password@icecast.example.org:8000/live.opus')
  .refine((value) => schemeOf(value) === null || /^https?:$/.test(schemeOf(value) ?? ''), 'must start with http:// or https://');

/** One endpoint of a space: where the conversation runs and where the audience listens. */
export const EndpointConfigSchema = z.strictObject({
  janus: z.strictObject({
    url: wsUrl,
    apiSecret: z.string().min(1).optional(),
    /** The AudioBridge plugin's `admin_key`, where the server requires it to create rooms. */
    adminKey: z.string().min(1).max(256).optional(),
    /** The AudioBridge room of this endpoint; without it the endpoint has no conversation. */
    room: z
      .strictObject({
        /** Numeric room id (AudioBridge default); the host provisions it or uses an existing room. */
        id: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
        /** Room secret: moderation (mute, kick, allowed list) and provisioning need it. */
        secret: z.string().min(8, 'use at least 8 characters').max(256),
        /** Room PIN every participant must give (optional; invites carry it). */
        pin: z.string().min(1).max(64).optional(),
      })
      .optional(),
  }),
  icecast: z.strictObject({
    /** Mount URL; may carry source credentials (never shown or logged). */
    mountUrl: httpUrl,
    /** Admin credentials for listener statistics, e.g. http://admin:PASSWORD@host:8000/ (push updates); default: the mount URL's. */
    statsUrl: httpUrl.optional(),
    /** Public listen URL of this mount for playlists and the listen page (default: the mount URL without credentials). */
    listenUrl: httpUrl.optional(),
    /** Mounts on the same server that take this mount's listeners when its source leaves (Icecast `<fallback-mount>`). */
    fallbackMounts: z.array(z.string().regex(/^\/\S+$/, 'must be a mount path such as /fallback.opus')).max(8).optional(),
  }),
});
export type EndpointConfig = z.infer<typeof EndpointConfigSchema>;

/** What the engine is started with. Secrets stay in the engine; state carries redacted URLs. */
export const EngineConfigSchema = z.strictObject({
  space: z
    .strictObject({
      name: z.string().min(1).max(200),
      primary: EndpointConfigSchema.optional(),
      backup: EndpointConfigSchema.optional(),
    })
    .default({ name: 'Untitled space' }),
});
export type EngineConfig = z.infer<typeof EngineConfigSchema>;

/** A config file that cannot be used, with every problem by field. */
export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid Steadycast config:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix these fields and start again.`);
    this.name = 'ConfigError';
  }
}

/** Validates untrusted config; throws {@link ConfigError} naming each bad field. */
export function parseEngineConfig(input: unknown, source: string): EngineConfig {
  const parsed = EngineConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new ConfigError(
    source,
    parsed.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`),
  );
}
