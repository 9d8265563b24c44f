/*
 * Types for janode 1.8's AudioBridge plugin as Steadycast uses it (checked against
 * node_modules/janode/src/plugins/audiobridge-plugin.js). Ambient, beside the core module's
 * types in janode.d.ts; tests reach both through the engine project's reference.
 */
declare module 'janode/plugins/audiobridge' {
  import type { JanodeHandle, JanodeSession } from 'janode';

  export type RoomId = number | string;

  export interface Jsep {
    type: 'offer' | 'answer';
    sdp: string;
    /** false: every candidate is in the SDP (no trickle follows). */
    trickle?: boolean;
  }

  export interface AudioBridgeParticipant {
    feed: RoomId;
    display?: string;
    muted?: boolean;
    setup?: boolean;
    talking?: boolean;
    suspended?: boolean;
  }

  /** Data of the plugin events a handle emits (`AudioBridgePlugin.EVENT`); only what Steadycast reads. */
  export interface AudioBridgeEventData {
    room?: RoomId;
    feed?: RoomId;
    display?: string;
    muted?: boolean;
    setup?: boolean;
    talking?: boolean;
    participants?: AudioBridgeParticipant[];
  }

  export interface AudioBridgeHandle extends JanodeHandle {
    /** Set by janode after `join`. */
    feed: RoomId | null;
    /** Set by janode after `join`. */
    room: RoomId | null;
    session: JanodeSession;
    create(params: {
      room: RoomId;
      description?: string;
      secret?: string;
      pin?: string;
      sampling_rate?: number;
      /** Sent as `audiolevel_event`. */
      talking_events?: boolean;
      is_private?: boolean;
      permanent?: boolean;
    }): Promise<{ room: RoomId; permanent: boolean }>;
    destroy(params: { room: RoomId; secret?: string; permanent?: boolean }): Promise<{ room: RoomId }>;
    exists(params: { room: RoomId }): Promise<{ room: RoomId; exists: boolean }>;
    /** janode 1.8 sends no JSEP with `join`: send the offer with `configure` after it. */
    join(params: { room: RoomId; feed?: RoomId; display?: string; muted?: boolean; pin?: string; token?: string }): Promise<{
      room: RoomId;
      feed: RoomId;
      participants: AudioBridgeParticipant[];
    }>;
    configure(params: { display?: string; muted?: boolean; jsep?: Jsep }): Promise<{ room: RoomId; feed: RoomId; jsep?: Jsep }>;
    leave(): Promise<{ room: RoomId; feed: RoomId }>;
    /** AudioBridge `hangup`: closes this handle's PeerConnection; the participant stays in the room. */
    audioHangup(): Promise<{ room: RoomId; feed: RoomId }>;
    listParticipants(params: { room: RoomId; secret?: string }): Promise<{ room: RoomId; participants: AudioBridgeParticipant[] }>;
    kick(params: { room: RoomId; feed: RoomId; secret?: string }): Promise<{ room: RoomId; feed: RoomId }>;
    mute(params: { room: RoomId; feed: RoomId; secret?: string }): Promise<{ room: RoomId; feed: RoomId }>;
    unmute(params: { room: RoomId; feed: RoomId; secret?: string }): Promise<{ room: RoomId; feed: RoomId }>;
    allow(params: {
      room: RoomId;
      action: 'enable' | 'disable' | 'add' | 'remove';
      list?: string[];
      secret?: string;
    }): Promise<{ room: RoomId; list?: string[] }>;
    /** janode's generic plugin message (used where a wrapper lacks a field, e.g. `allowed` on `create`). */
    message(body: Record<string, unknown>, jsep?: Jsep | null): Promise<Record<string, unknown>>;
  }

  /** The plugin descriptor `session.attach` takes; `Handle` is the class janode instantiates. */
  const AudioBridgePlugin: {
    id: 'janus.plugin.audiobridge';
    Handle: new (session: JanodeSession, id: number) => AudioBridgeHandle;
    EVENT: Record<string, string>;
  };
  export default AudioBridgePlugin;
}
