import { z } from 'zod';
import { acceleratorProblem } from './accelerator';
import { serverUrlTextProblem } from './url-text';

/*
 * The settings a UI edits (spaces, audio, recording, shortcuts), as the contract carries them.
 * The URL and room rules are the engine's own (engine/config.ts builds its space schema from
 * them), so a space the settings screen accepts is a space the engine starts with. Secrets go one
 * way: a UI sends a new value the user typed, or null to keep the stored one; it reads back only
 * whether one is set.
 */

/** The URL's scheme with its colon, lower case ("ws:"), or null without one (the `.url()` check reports that case). */
function schemeOf(value: string): string | null {
  return /^([a-z][a-z0-9+.-]*):/iu.exec(value)?.[1]?.toLowerCase().concat(':') ?? null;
}

/** Refuses a URL text that would fail to decode or name another host than it seems to (see url-text.ts). */
function refuseAmbiguousUrl(value: string, context: z.RefinementCtx): void {
  const problem = serverUrlTextProblem(value);
  if (problem) context.addIssue({ code: 'custom', message: problem });
}

/** A Janus WebSocket URL. */
export const JanusUrlSchema = z
  .string()
  .url('must be a URL such as ws://janus.example.org:8188')
  .refine(
    (value) => schemeOf(value) === null || /^wss?:$/.test(schemeOf(value) ?? ''),
    'must start with ws:// or wss:// (the Janus WebSocket transport)',
  )
  .superRefine(refuseAmbiguousUrl);

/** An Icecast HTTP(S) URL. */
export const HttpUrlSchema = z
  .string()
  .url('must be a URL such as http://source:password@icecast.example.org:8000/live.opus')
  .refine((value) => schemeOf(value) === null || /^https?:$/.test(schemeOf(value) ?? ''), 'must start with http:// or https://')
  .superRefine(refuseAmbiguousUrl);

/** An AudioBridge room id. */
export const RoomIdSchema = z
  .number({ error: 'must be a whole number such as 1234' })
  .int('must be a whole number such as 1234')
  .positive('must be a positive number')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
/** A room secret: moderation and provisioning need it. */
export const RoomSecretSchema = z.string().min(8, 'use at least 8 characters').max(256, 'use at most 256 characters');
/** A room PIN every participant must give. */
export const RoomPinSchema = z.string().min(1).max(64, 'use at most 64 characters');
/** A space's name. */
export const SpaceNameSchema = z.string().trim().min(1, 'give the space a name').max(200, 'use at most 200 characters');

/** A secret field of a form: a new value, or null to keep the stored one. */
const SecretInput = <T extends z.ZodType<string>>(schema: T) => schema.nullable();

/** One endpoint of a space as the settings screen edits it (credentials apart from the URL). */
export const EndpointFormSchema = z.strictObject({
  janusUrl: JanusUrlSchema,
  /** Null: the endpoint has no conversation room (an audience-only endpoint, as the engine allows). */
  roomId: RoomIdSchema.nullable(),
  /** Ignored without a room. */
  roomSecret: SecretInput(RoomSecretSchema),
  roomPin: z.string().max(64, 'use at most 64 characters'),
  mountUrl: HttpUrlSchema.refine(
    (value) => schemeOf(value) === null || !/@/.test(value.split('/')[2] ?? ''),
    'leave the user name and password out of the URL: use the Source user and Source password fields',
  ),
  sourceUser: z.string().trim().min(1, 'give the source user name (usually "source")').max(100, 'use at most 100 characters'),
  sourcePassword: SecretInput(z.string().min(1, 'give the source password').max(256, 'use at most 256 characters')),
});
export type EndpointForm = z.infer<typeof EndpointFormSchema>;

/** A space as the settings screen saves it: a name, the primary endpoint and an optional backup. */
export const SpaceFormSchema = z.strictObject({
  name: SpaceNameSchema,
  primary: EndpointFormSchema,
  backup: EndpointFormSchema.nullable(),
});
export type SpaceForm = z.infer<typeof SpaceFormSchema>;

/** One endpoint as a UI reads it: no secret, only whether each is set. */
export const EndpointViewSchema = z.strictObject({
  janusUrl: z.string().max(2048),
  roomId: z.number(),
  roomSecretSet: z.boolean(),
  roomPin: z.string().max(64),
  mountUrl: z.string().max(2048),
  sourceUser: z.string().max(100),
  sourcePasswordSet: z.boolean(),
});
export type EndpointView = z.infer<typeof EndpointViewSchema>;

/** A saved space as a UI reads it. */
export const SpaceViewSchema = z.strictObject({
  id: z.string().min(1).max(64),
  name: z.string().max(200),
  primary: EndpointViewSchema.nullable(),
  backup: EndpointViewSchema.nullable(),
});
export type SpaceView = z.infer<typeof SpaceViewSchema>;

/** The Opus bitrates offered for the program (kb/s). */
export const BITRATES_KBPS = [32, 48, 64, 96, 128, 160, 192, 256] as const;

/** How the program is encoded and how the microphone is captured. */
export const AudioSettingsSchema = z.strictObject({
  bitrateKbps: z
    .number()
    .int()
    .refine((value) => (BITRATES_KBPS as readonly number[]).includes(value), `choose one of ${BITRATES_KBPS.join(', ')} kb/s`),
  channels: z.union([z.literal(1), z.literal(2)], { error: 'choose mono (1) or stereo (2)' }),
  /** The microphone's device id; null: the system default. */
  inputDeviceId: z.string().max(512).nullable(),
  processing: z.strictObject({ echoCancellation: z.boolean(), noiseSuppression: z.boolean(), autoGainControl: z.boolean() }),
});
export type AudioSettings = z.infer<typeof AudioSettingsSchema>;

/** The audio settings of a new installation: 128 kb/s stereo, the system's default microphone, all processing on. */
export const DEFAULT_AUDIO_SETTINGS: AudioSettings = {
  bitrateKbps: 128,
  channels: 2,
  inputDeviceId: null,
  processing: { echoCancellation: true, noiseSuppression: true, autoGainControl: true },
};

/** The safety recording of every show. */
export const RecordingSettingsSchema = z
  .strictObject({
    enabled: z.boolean(),
    /** Absolute path; may stay empty while recording is off. */
    folder: z.string().trim().max(1024, 'use at most 1024 characters'),
  })
  .superRefine((value, context) => {
    if (value.folder === '') {
      if (value.enabled)
        context.addIssue({
          code: 'custom',
          path: ['folder'],
          message: 'choose the folder recordings go to (or turn the safety recording off)',
        });
    } else if (!(value.folder.startsWith('/') || /^[A-Za-z]:[\\/]/u.test(value.folder) || value.folder.startsWith('\\\\'))) {
      context.addIssue({ code: 'custom', path: ['folder'], message: 'must be a full path such as /home/you/Recordings or C:\\Recordings' });
    }
  });
export type RecordingSettings = z.infer<typeof RecordingSettingsSchema>;

const AcceleratorSchema = z
  .string()
  .max(100, 'use at most 100 characters')
  .superRefine((value, context) => {
    const problem = acceleratorProblem(value);
    if (problem !== null) context.addIssue({ code: 'custom', message: problem });
  });

/** Global shortcuts; `null` turns one off. */
export const ShortcutSettingsSchema = z.strictObject({
  /** Mutes or unmutes the host's microphone. */
  muteToggle: AcceleratorSchema.nullable(),
  /** Hold to talk while muted. */
  pushToTalk: AcceleratorSchema.nullable(),
});
export type ShortcutSettings = z.infer<typeof ShortcutSettingsSchema>;

/** The shortcuts of a new installation. */
export const DEFAULT_SHORTCUTS: ShortcutSettings = { muteToggle: 'CommandOrControl+Shift+M', pushToTalk: 'CommandOrControl+Shift+Space' };

/** Audio, recording and shortcuts: everything but the spaces, saved together. */
export const GeneralSettingsSchema = z
  .strictObject({ audio: AudioSettingsSchema, recording: RecordingSettingsSchema, shortcuts: ShortcutSettingsSchema })
  .superRefine((value, context) => {
    const { muteToggle, pushToTalk } = value.shortcuts;
    if (muteToggle !== null && pushToTalk !== null && muteToggle.toLowerCase() === pushToTalk.toLowerCase()) {
      context.addIssue({
        code: 'custom',
        path: ['shortcuts', 'pushToTalk'],
        message: 'is the same keys as the mute shortcut: choose other keys',
      });
    }
  });
export type GeneralSettings = z.infer<typeof GeneralSettingsSchema>;

/** Everything the settings screen shows. */
export const SettingsViewSchema = z.strictObject({
  /** The space the engine runs now (it cannot be deleted). */
  activeSpaceId: z.string().max(64),
  /** True while an edit of the space in use waits to apply: when you next go live or join, off air and out of the room. */
  pendingSpace: z.boolean().optional(),
  spaces: z.array(SpaceViewSchema).max(100),
  general: GeneralSettingsSchema,
});
export type SettingsView = z.infer<typeof SettingsViewSchema>;

/** Per-field messages of a failed parse, keyed by the field's dotted path ("primary.janusUrl"). */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const path = issue.path.join('.') || '(form)';
    errors[path] ??= issue.message;
  }
  return errors;
}
