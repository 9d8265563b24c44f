import { z } from 'zod';
import {
  HttpUrlSchema as httpUrl,
  JanusUrlSchema as wsUrl,
  RoomIdSchema,
  RoomPinSchema,
  RoomSecretSchema,
  SpaceNameSchema,
} from '../shared/settings';
import { FailoverRuleConfigSchema } from '../shared/failover';
import { ProgramLoudnessSchema } from '../shared/loudness';

/** One endpoint of a space: where the conversation runs and where the audience listens. */
export const EndpointConfigSchema = z.strictObject({
  janus: z.strictObject({
    url: wsUrl,
    apiSecret: z.string().min(1).optional(),
    /**
     * Janus core's `token_auth_secret` (with `token_auth = true`): the host's engine signs its own
     * tokens and every invite's with it, and Janus refuses a token after its expiry by itself.
     */
    tokenSecret: z.string().min(16).max(256).optional(),
    /** The AudioBridge plugin's `admin_key`, where the server requires it to create rooms. */
    adminKey: z.string().min(1).max(256).optional(),
    /** The AudioBridge room of this endpoint; without it the endpoint has no conversation. */
    room: z
      .strictObject({
        /** Numeric room id (AudioBridge default); the host provisions it or uses an existing room. */
        id: RoomIdSchema,
        /** Room secret: moderation (mute, kick, allowed list) and provisioning need it. */
        secret: RoomSecretSchema,
        /** Room PIN every participant must give (optional; invites carry it). */
        pin: RoomPinSchema.optional(),
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
    fallbackMounts: z
      .array(z.string().regex(/^\/\S+$/, 'must be a mount path such as /fallback.opus'))
      .max(8)
      .optional(),
  }),
});
export type EndpointConfig = z.infer<typeof EndpointConfigSchema>;

/** What the engine is started with. Secrets stay in the engine; state carries redacted URLs. */
export const EngineConfigSchema = z.strictObject({
  space: z
    .strictObject({
      name: SpaceNameSchema,
      primary: EndpointConfigSchema.optional(),
      backup: EndpointConfigSchema.optional(),
      /** When the conversation moves to the backup (defaults: 3 s down, 1.5 s for a Janus that is gone, no automatic return). Invites carry it. */
      failover: FailoverRuleConfigSchema.optional(),
      /** The program chain before the encoder: `{ targetLufs, truePeakDbtp }` or `"off"`; without it, on at −16 LUFS, −1 dBTP. */
      loudness: ProgramLoudnessSchema.optional(),
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
    super(
      problems.length === 1
        ? `${source} is not a valid Steadycast config: ${problems[0]}. Fix this field and start again.`
        : `${source} is not a valid Steadycast config:\n${problems.map((p) => `  - ${p}`).join('\n')}\nFix these fields and start again.`,
    );
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
