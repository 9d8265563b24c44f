import { z } from 'zod';
import { BroadcastStatusSchema } from './broadcast';
import { ConversationStateSchema } from './conversation';
import { EndpointNameSchema } from './endpoint';
import { FailoverStateSchema } from './failover';
import { PracticeStateSchema } from './practice';
import { AudioSettingsSchema, RecordingSettingsSchema } from './settings';

/** Which process hosts the engine: the Electron main process or the headless Node command. */
export const EngineModeSchema = z.enum(['desktop', 'headless']);
/** How a UI is attached to the engine. */
export const BridgeKindSchema = z.enum(['ipc', 'websocket']);

export { EndpointNameSchema, type EndpointName } from './endpoint';

/** Server kinds the engine talks to. */
export const ServerKindSchema = z.enum(['janus', 'icecast']);
export type ServerKind = z.infer<typeof ServerKindSchema>;

/**
 * Result of the last reachability probe of one server.
 * `unknown` until the first probe; `checking` while one runs.
 */
export const ServerProbeSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('unknown') }),
  z.object({ status: z.literal('checking'), startedAt: z.number() }),
  z.object({
    status: z.literal('reachable'),
    checkedAt: z.number(),
    roundTripMs: z.number().nonnegative(),
    /** What the server said about itself, e.g. "Janus 1.1.2" or "Icecast 2.4.4". */
    serverVersion: z.string().max(200),
  }),
  z.object({
    status: z.literal('unreachable'),
    checkedAt: z.number(),
    /** Plain-language reason with what to do next. */
    error: z.string().max(500),
  }),
]);
export type ServerProbe = z.infer<typeof ServerProbeSchema>;

/** One configured server as the UI may see it: URLs are always redacted (no credentials). */
export const ServerStatusSchema = z.object({
  kind: ServerKindSchema,
  url: z.string().max(2048),
  probe: ServerProbeSchema,
});
export type ServerStatus = z.infer<typeof ServerStatusSchema>;

/** One endpoint of the space (a Janus server and an Icecast mount). */
export const EndpointStatusSchema = z.object({
  name: EndpointNameSchema,
  janus: ServerStatusSchema.nullable(),
  icecast: ServerStatusSchema.nullable(),
});
export type EndpointStatus = z.infer<typeof EndpointStatusSchema>;

/** Everything the UI needs to draw the engine; sent whole on attach and on every change. */
export const EngineStateSchema = z.object({
  version: z.string(),
  mode: EngineModeSchema,
  startedAt: z.number(),
  space: z.object({
    name: z.string().max(200),
    endpoints: z.array(EndpointStatusSchema).max(2),
  }),
  audio: z.object({
    /** PCM frames received from a UI over the bridge's binary channel. */
    framesReceived: z.number().int().nonnegative(),
    framesRejected: z.number().int().nonnegative(),
    lastFrameAt: z.number().nullable(),
    /** Capture → arrival delay of the window's frames over the last second (median and worst, ms); null before the first second. */
    inputDelay: z.object({ medianMs: z.number().nonnegative(), maxMs: z.number().nonnegative() }).nullable().optional(),
  }),
  /** The conversation room this engine's UI is in. */
  conversation: ConversationStateSchema,
  /** The program on air, or null while off air. */
  broadcast: BroadcastStatusSchema.nullable(),
  /**
   * The saved audio and recording settings (`settings:save-general`): what "Go live" puts on air
   * and how a window's microphone captures (absent from engines that keep no settings).
   */
  settings: z.object({ audio: AudioSettingsSchema, recording: RecordingSettingsSchema }).optional(),
  /** Endpoint health and the failover controller (absent from engines that do not run one). */
  failover: FailoverStateSchema.optional(),
  /** The practice space on this computer (absent from engines that cannot run one, e.g. a guest's test engine). */
  practice: PracticeStateSchema.optional(),
  bridge: z.object({
    kind: BridgeKindSchema,
    clients: z.number().int().nonnegative(),
  }),
});
export type EngineState = z.infer<typeof EngineStateSchema>;
