import { z } from 'zod';
import { BridgeErrorSchema, CommandReplySchema } from './contract';

/*
 * The WebSocket binding of the contract (headless mode). Text messages are JSON envelopes below;
 * binary messages are PCM frames (see pcm-frame.ts) and are accepted only after `auth`.
 *
 *   client → engine: auth {token, purpose?} · command {id, channel, payload}
 *
 * A connection authenticated with `purpose: 'audio'` carries only PCM frames: it gets no events,
 * may send no commands, and does not count as an attached UI. A window sends its program on such a
 * connection from a Worker, so the frames never wait for the window's busy main thread.
 *   engine → client: auth-result · result {id, reply} · event {channel, payload} · error {error, inReplyTo?}
 */

/** Path of the bridge on the headless HTTP server. */
export const BRIDGE_PATH = '/bridge';
/** Largest JSON message the engine reads; larger ones are answered with `message-too-large`. */
export const MAX_TEXT_MESSAGE_BYTES = 64 * 1024;
/** Hard transport limit: beyond this the socket is closed (1009) to protect memory. */
export const MAX_TRANSPORT_MESSAGE_BYTES = 1024 * 1024;
/** Failed `auth` attempts allowed on one connection before it is closed. */
export const MAX_AUTH_ATTEMPTS = 5;

/** What a bridge connection is for: a UI (commands and events; the default) or a window's program audio only. */
export const ConnectionPurposeSchema = z.enum(['ui', 'audio']);
export type ConnectionPurpose = z.infer<typeof ConnectionPurposeSchema>;

export const ClientMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth'), token: z.string().min(1).max(256), purpose: ConnectionPurposeSchema.optional() }),
  z.strictObject({
    type: z.literal('command'),
    id: z.string().min(1).max(64),
    channel: z.string().max(64),
    payload: z.unknown(),
  }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ServerMessageSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('auth-result'), ok: z.boolean(), error: BridgeErrorSchema.optional() }),
  z.strictObject({ type: z.literal('result'), id: z.string(), reply: CommandReplySchema }),
  z.strictObject({ type: z.literal('event'), channel: z.string(), payload: z.unknown() }),
  z.strictObject({ type: z.literal('error'), error: BridgeErrorSchema, inReplyTo: z.string().optional() }),
]);
export type ServerMessage = z.infer<typeof ServerMessageSchema>;
