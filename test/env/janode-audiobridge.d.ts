/*
 * Types for janode 1.8's AudioBridge plugin as the tests use it (checked against
 * node_modules/janode/src/plugins/audiobridge-plugin.js). test/tsconfig.json includes this file,
 * and through the reference below the core module's types from electron/engine/janus/janode.d.ts
 * (ambient, outside this project). If the engine declares this module too, delete this file.
 */
// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ambient declarations cannot be imported
/// <reference path="../../electron/engine/janus/janode.d.ts" />
declare module 'janode/plugins/audiobridge' {
  import type { JanodeHandle } from 'janode';

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
  }

  export interface AudioBridgeHandle extends JanodeHandle {
    /** Set by janode after `join`. */
    feed?: RoomId;
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
    /** janode 1.8 sends no JSEP with `join`: send the offer with `configure` after it. */
    join(params: { room: RoomId; feed?: RoomId; display?: string; muted?: boolean; pin?: string }): Promise<{
      room: RoomId;
      feed: RoomId;
      participants: AudioBridgeParticipant[];
    }>;
    configure(params: { display?: string; muted?: boolean; jsep?: Jsep }): Promise<{ room: RoomId; feed: RoomId; jsep?: Jsep }>;
    leave(): Promise<{ room: RoomId; feed: RoomId }>;
    listParticipants(params: { room: RoomId; secret?: string }): Promise<{ room: RoomId; participants: AudioBridgeParticipant[] }>;
    mute(params: { room: RoomId; feed: RoomId; secret?: string }): Promise<{ room: RoomId; feed: RoomId }>;
    unmute(params: { room: RoomId; feed: RoomId; secret?: string }): Promise<{ room: RoomId; feed: RoomId }>;
  }

  const AudioBridgePlugin: {
    id: 'janus.plugin.audiobridge';
    Handle: unknown;
    EVENT: Record<string, string>;
  };
  export default AudioBridgePlugin;
}
